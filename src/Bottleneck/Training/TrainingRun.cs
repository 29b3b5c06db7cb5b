using Bottleneck.Data;
using Bottleneck.Export;

namespace Bottleneck.Training;

/// <summary>Carries out a <see cref="TrainingRecipe"/>: loads its data, splits off validation, and runs the job.</summary>
public static class TrainingRun
{
    /// <summary>Runs <paramref name="recipe"/>; with <paramref name="resume"/> it continues the run saved in its output folder.</summary>
    public static TrainingJobResult Execute(TrainingRecipe recipe, bool resume, ITrainingObserver? observer = null, CancellationToken cancel = default)
    {
        var result = Execute(recipe, resume, observer, cancel, out var data);
        data.Dispose();
        return result;
    }

    /// <summary>As <see cref="Execute(TrainingRecipe, bool, ITrainingObserver?, CancellationToken)"/>, also handing back the data (the caller disposes it).</summary>
    public static TrainingJobResult Execute(TrainingRecipe recipe, bool resume, ITrainingObserver? observer, CancellationToken cancel, out LoadedData data)
    {
        var options = recipe.ToOptions();
        // A run killed before its first epoch ended has only its recipe saved: it starts again, as it began.
        resume = resume && ResumeState.HasEpochs(recipe.OutputDirectory);
        data = DataSource.Load(recipe.Data, recipe.DataOptions);
        try
        {
            var train = data.Train;
            if (recipe.Limit is int n && n < train.Count) train = train.Slice(0, n);
            var validation = new ValidationChoice(recipe.ValSplit, recipe.ValData, recipe.NoValidation);
            var (fit, validate, extra) = validation.Apply(train, recipe.DataOptions);
            using var extraData = extra;
            var job = new TrainingJob
            {
                Spec = recipe.Spec,
                StartFrom = !resume && recipe.StartFrom is { } folder ? ModelFolder.Load(folder) : null,
                Train = fit,
                Validation = validate,
                Test = data.Test,
                DataName = data.Name,
                Options = options,
                OutputDirectory = recipe.OutputDirectory,
                Checkpoint = recipe.Checkpoint,
                Recipe = recipe,
                Resume = resume,
                GridImages = recipe.GridImages,
                Pretraining = recipe.Pretraining(),   // the job skips it when resuming, but model.json keeps the record
            };
            return job.Run(observer, cancel);
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }
}
