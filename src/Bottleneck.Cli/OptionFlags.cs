namespace Bottleneck.Cli;

/// <summary>
/// The command line's flag for each option the library names by its field in an error ("batch_size" is --batch-size):
/// the one table that turns the library's words into the command line's, so its messages read "--batch-size: ...".
/// </summary>
internal static class OptionFlags
{
    static readonly Dictionary<string, string> Flags = new()
    {
        // Training: TrainingOptions, TrainingRecipe (as saved in resume/recipe.json), the callbacks and pretraining.
        ["epochs"] = "--epochs", ["batch_size"] = "--batch-size", ["learning_rate"] = "--lr", ["momentum"] = "--momentum",
        ["optimizer"] = "--optimizer", ["loss"] = "--loss", ["huber_delta"] = "--huber-delta", ["seed"] = "--seed",
        ["patience"] = "--patience", ["min_delta"] = "--min-delta", ["lr_factor"] = "--lr-factor", ["lr_patience"] = "--lr-patience",
        ["min_lr"] = "--min-lr", ["noise"] = "--noise", ["fixed_noise"] = "--fixed-noise", ["limit"] = "--limit",
        ["pretrain"] = "--pretrain", ["pretrain_epochs"] = "--pretrain-epochs", ["val_split"] = "--val-split", ["val_data"] = "--val-data",
        ["no_validation"] = "--no-validation", ["scaler"] = "--scaler", ["model"] = "--model", ["data"] = "--data", ["resume"] = "--resume", ["workers"] = "--threads",
        // The learning-rate finder.
        ["min_learning_rate"] = "--min-lr", ["max_learning_rate"] = "--max-lr", ["steps"] = "--steps",
        ["smoothing_window"] = "--smoothing", ["divergence_factor"] = "--stop-factor",
        // Data and outputs.
        ["split"] = "--split", ["fashion_mnist"] = "--fashion-mnist", ["label_column"] = "--label-column", ["output"] = "--out", ["png"] = "--png",
        // Applications.
        ["normal_classes"] = "--normal-classes", ["anomaly_class"] = "--anomaly-class", ["percentile"] = "--percentile",
        ["contamination"] = "--contamination", ["holdout"] = "--holdout", ["knn_k"] = "--knn-k", ["code_sizes"] = "--bottleneck",
        ["precision"] = "--precision", ["error"] = "--error", ["count"] = "--count", ["classifier_size"] = "--classifier-size",
        ["labels"] = "--labels", ["balanced"] = "--balanced", ["components"] = "--components", ["variants"] = "--variants",
        ["samples"] = "--samples", ["noise_sigma"] = "--noise", ["pairs"] = "--pairs", ["temperature"] = "--temperature",
        ["grid"] = "--grid", ["dims"] = "--dims", ["opset"] = "--opset", ["graph"] = "--graph", ["neighbours"] = "--neighbours",
        ["c"] = "--c", ["transfer_data"] = "--transfer-data", ["train_data"] = "--train-data", ["no_baselines"] = "--no-baselines",
        ["pca"] = "--pca", ["fit_gaussian"] = "--fit-gaussian", ["classifier"] = "--classifier", ["images"] = "--images",
        ["budget"] = "--budget", ["only"] = "--only",
    };

    /// <summary>The fields the table knows, with their flags.</summary>
    public static IReadOnlyDictionary<string, string> All => Flags;

    /// <summary>The flag of <paramref name="field"/>; a field the command line has no flag for stays as it is.</summary>
    public static string Flag(string field) => Flags.TryGetValue(field, out var flag) ? flag : field;

    /// <summary>
    /// <paramref name="message"/> (an error, a note) in the command line's words: the option an <see cref="OptionException"/>
    /// is about, and every option a message mentions (`loss`), written as its flag.
    /// </summary>
    public static string Describe(Exception error) => error is OptionException option ? option.Describe(Flag) : Describe(error.Message);

    /// <summary>A library message with every option it mentions (`loss`) written as its flag.</summary>
    public static string Describe(string message) => OptionException.Mentions(message, Flag);
}
