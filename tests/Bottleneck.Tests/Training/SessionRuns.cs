using Bottleneck.Reporting;
using Bottleneck.Training;

namespace Bottleneck.Tests.Training;

/// <summary>Trains a session into a run folder with the checkpoints `bottleneck train` asks for, for tests that need the folder.</summary>
static class SessionRuns
{
    public static SessionResult Into(string output, TrainingSession session, bool resume = false, bool checkpoint = true)
    {
        using (session)
        using (var folder = new RunFolder(output, session))
            return TrainingRun.Execute(session, folder, resume, checkpoint, recipe: null);
    }
}
