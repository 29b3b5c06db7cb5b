using Bottleneck.Data;
using Bottleneck.Objectives;
using Bottleneck.Persistence;
using Bottleneck.Training;

namespace Bottleneck.Reporting;

/// <summary>
/// Carries out a <see cref="TrainingRecipe"/>: loads its data, splits off validation, scales tabular data, trains a
/// <see cref="TrainingSession"/> with the checkpoints the recipe asks for, and saves it in its <see cref="RunFolder"/>.
/// </summary>
internal static class TrainingRun
{
    /// <summary>Runs <paramref name="recipe"/>; with <paramref name="resume"/> it continues the run saved in its output folder.</summary>
    public static SessionResult Execute(TrainingRecipe recipe, bool resume, ITrainingObserver? observer = null, CancellationToken cancel = default)
    {
        var result = Execute(recipe, resume, observer, cancel, out var data);
        data.Dispose();
        return result;
    }

    /// <summary>As <see cref="Execute(TrainingRecipe, bool, ITrainingObserver?, CancellationToken)"/>, also handing back the data (the caller disposes it).</summary>
    public static SessionResult Execute(TrainingRecipe recipe, bool resume, ITrainingObserver? observer, CancellationToken cancel, out LoadedData data) =>
        Execute(recipe, resume, observer, cancel, out data, notes: []);

    /// <summary>As above, adding to <paramref name="notes"/> what the run chose for the user (a scaler, a linear output, a loss).</summary>
    public static SessionResult Execute(TrainingRecipe recipe, bool resume, ITrainingObserver? observer, CancellationToken cancel, out LoadedData data,
        ICollection<string> notes)
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
            // Tabular data is scaled as anomaly fit scales it: a per-column scaler fitted on the training rows only. A table
            // already within [0, 1] (pixels written out as a CSV) is left as it is, as a sigmoid output and BCE expect.
            // A model trained further keeps the scaling it was trained with (or none); only a fresh model gets a new one.
            var (inherits, inherited) = recipe.StartFrom is { } startFolder ? (true, FolderScaler(startFolder, recipe.Scaler)) : (false, null);
            var scalerKind = inherits ? inherited?.Kind : TabularScaling.Choose(recipe.Scaler,
                TabularScaling.IsTable(recipe.Data) && fit.Range() is var (min, max) && (min < 0 || max > 1) ? ScalerKind.Standard : null);
            var scaler = inherits ? inherited : scalerKind is ScalerKind kind ? FeatureScaler.Fit(fit, kind) : null;
            using var scaledFit = scaler is null ? null : TabularScaling.Apply(scaler, fit);
            using var scaledValidation = scaler is null ? null : TabularScaling.Apply(scaler, validate);
            using var scaledTest = scaler is null ? null : TabularScaling.Apply(scaler, data.Test);
            var spec = TabularScaling.AdaptOutput(recipe.Spec, scalerKind, recipe.SpecIsPreset, notes);
            if (recipe.Loss is null && scaler is not null)
            {
                options = options with { Loss = new ReconstructionLoss(LossKind.Mse) };
                notes.Add($"loss: mse (the data is {scalerKind.ToString()!.ToLowerInvariant()}-scaled per column, not probabilities in [0, 1]; give `loss` to choose)");
            }
            if (inherited is not null)
                notes.Add($"scaler: the model folder's {scalerKind.ToString()!.ToLowerInvariant()} scaler, as it was trained with");
            else if (scaler is not null)
                notes.Add($"scaler: {scalerKind.ToString()!.ToLowerInvariant()}, per column, fitted on the {fit.Count:N0} training rows and saved in model.json (data.scaler)");
            using var session = new TrainingSession
            {
                Spec = spec,
                StartFrom = !resume && recipe.StartFrom is { } folder ? ModelFolder.Load(folder) : null,
                Train = scaledFit ?? fit,
                Validation = scaledValidation ?? validate,
                Test = scaledTest ?? data.Test,
                DataName = data.Name,
                Options = options,
                Pretraining = recipe.Pretraining(),   // a resumed session skips it, but model.json keeps the record
            };
            using var runFolder = new RunFolder(recipe.OutputDirectory, session) { Scaler = scaler, GridImages = recipe.GridImages };
            return Execute(session, runFolder, resume, recipe.Checkpoint, recipe, observer, cancel);
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Trains <paramref name="session"/> into <paramref name="folder"/>: checkpoint/ keeps the best epoch's model when
    /// <paramref name="checkpoint"/>, resume/ the last completed epoch (with <paramref name="recipe"/>, so that
    /// `train --resume` can go on from the folder alone). With <paramref name="resume"/> it goes on from the state in
    /// resume/. Every check comes before the folder is created; a fresh run's folder is locked from its first write on.
    /// </summary>
    public static SessionResult Execute(TrainingSession session, RunFolder folder, bool resume, bool checkpoint, TrainingRecipe? recipe,
        ITrainingObserver? observer = null, CancellationToken cancel = default)
    {
        if (resume)
        {
            var (model, point) = folder.LoadResume();
            // A run killed while writing its final outputs has all its epochs; resuming it writes those outputs.
            if (point.Epochs.Count >= session.Options.Epochs && folder.Finished(point.Epochs.Count))
            {
                model.Dispose();
                throw new BadInputException($"{Path.Combine(folder.Directory, ResumeState.Folder)}: the run already finished {point.Epochs.Count} of {session.Options.Epochs} epochs (give a larger `epochs` to train on)");
            }
            session.PrepareResumed(model, point);
        }
        else session.Prepare();
        var result = session.Run(folder.Checkpoints(checkpoint, recipe, resumed: resume), observer, cancel);
        return result with { Metrics = folder.Write(result) };
    }

    /// <summary>The scaler of the model folder a run starts from; --scaler cannot change it.</summary>
    static FeatureScaler? FolderScaler(string folder, string? requested)
    {
        using var start = TrainedModel.Load(folder);
        if (requested is not null)
            throw new OptionException("scaler", $"a model trained further keeps the scaling it was trained with ({start.Scaling}); leave out `scaler`");
        return start.Scaler;
    }
}
