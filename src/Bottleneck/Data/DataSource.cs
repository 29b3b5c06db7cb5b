namespace Bottleneck.Data;

/// <summary>
/// Loads what a <c>--data</c> argument names: a built-in dataset (mnist, fashion-mnist) or a path — a folder of IDX
/// files, an .npz in Keras's layout (x_train, y_train, x_test, y_test), an .npy array, a numeric .csv, or one IDX file.
/// </summary>
internal static class DataSource
{
    /// <summary>Loads <paramref name="nameOrPath"/>; every problem is a <see cref="BadInputException"/> naming the file.</summary>
    public static LoadedData Load(string nameOrPath, DataOptions? options = null)
    {
        var loaded = LoadFiles(nameOrPath, options);
        // Reading left tens of megabytes of decompression buffers and arrays behind; the data now lives in tensors.
        // Giving that memory back now keeps it from sitting in the resident set for the whole training run.
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return loaded;
    }

    static LoadedData LoadFiles(string nameOrPath, DataOptions? options)
    {
        options ??= new DataOptions();
        if (string.IsNullOrWhiteSpace(nameOrPath)) throw new OptionException("data", "expected a dataset name or a path");
        if (BuiltInDatasets.Find(nameOrPath) is { } builtIn)
        {
            var folder = BuiltInDatasets.Locate(builtIn, options)
                ?? throw new BadInputException($"{builtIn.Name}: not found on this machine; to get it, {builtIn.HowToGet}");
            return FromIdxFolder(builtIn.Name, folder, IdxFolder.Find(folder)!, builtIn.ClassNames);
        }
        if (Directory.Exists(nameOrPath))
        {
            var idx = IdxFolder.Find(nameOrPath)
                ?? throw new BadInputException($"{nameOrPath}: folder holds no IDX dataset (expected train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz])");
            return FromIdxFolder(nameOrPath, nameOrPath, idx, null);
        }
        if (!File.Exists(nameOrPath))
            throw new BadInputException($"{nameOrPath}: no such file or folder, and not a built-in dataset (expected {string.Join(" or ", BuiltInDatasets.All.Select(d => d.Name))}, or a path)");

        var extension = Path.GetExtension(nameOrPath).ToLowerInvariant();
        switch (extension)
        {
            case ".npz":
                return FromNpz(nameOrPath);
            case ".npy":
                return new LoadedData(nameOrPath, nameOrPath, DatasetFactory.FromArray(nameOrPath, NpyFile.Read(nameOrPath)), null);
            case ".csv":
            case ".tsv":
                var table = CsvTable.Read(nameOrPath, new CsvReadOptions
                {
                    HasHeader = options.CsvHeader, LabelColumn = options.LabelColumn, Delimiter = extension == ".tsv" ? '\t' : ',',
                });
                return new LoadedData(nameOrPath, nameOrPath, DatasetFactory.FromArray(nameOrPath, table.Features, table.Labels), null);
            default:
                // Anything else is tried as a single IDX file of samples (raw or gzip'd).
                return new LoadedData(nameOrPath, nameOrPath, DatasetFactory.FromArray(nameOrPath, IdxFile.Read(nameOrPath)), null);
        }
    }

    static LoadedData FromIdxFolder(string name, string folder, IdxFolder files, IReadOnlyList<string>? classNames)
    {
        var train = Pair(name + "/train", files.TrainImages, files.TrainLabels, classNames);
        Dataset? test = null;
        if (files.TestImages is not null && files.TestLabels is not null)
        {
            try { test = Pair(name + "/test", files.TestImages, files.TestLabels, classNames); }
            catch { train.Dispose(); throw; }
        }
        return new LoadedData(name, folder, train, test);
    }

    static Dataset Pair(string name, string imagesPath, string labelsPath, IReadOnlyList<string>? classNames)
    {
        var images = IdxFile.Read(imagesPath);
        var labels = IdxFile.Read(labelsPath).ToLabels(labelsPath);
        if (labels.Length != images.Count)
            throw new BadInputException($"{labelsPath}: holds {labels.Length} labels, but {Path.GetFileName(imagesPath)} holds {images.Count} images (the counts must match)");
        return DatasetFactory.FromArray(name, images, labels, classNames);
    }

    static LoadedData FromNpz(string path)
    {
        // Only Keras's four members are read, and each shape is checked against the others from its header, before
        // its data is inflated: other members, and a member that cannot fit, cost nothing.
        using var npz = NpzFile.Open(path);
        if (!npz.Contains("x_train"))
            throw new BadInputException($"{path}: array 'x_train' is missing (expected Keras's layout: x_train, y_train, x_test, y_test; found {npz.NameList})");
        var xTrain = npz.Read("x_train");
        var yTrain = npz.Contains("y_train") ? ReadLabels(npz, path, "y_train", "x_train", xTrain.Count) : null;
        var train = DatasetFactory.FromArray(path + ":x_train", xTrain, yTrain);
        try
        {
            Dataset? test = null;
            if (npz.Contains("x_test"))
            {
                var xTest = npz.Read("x_test", shape =>
                {
                    if (shape.Length == 0 || !shape[1..].SequenceEqual(xTrain.SampleShape))
                        throw new BadInputException(
                            $"{path}: x_test has shape {NumericArray.FormatShape(shape)}, expected samples of x_train's shape [N, {string.Join(", ", xTrain.SampleShape)}]");
                });
                var yTest = npz.Contains("y_test") ? ReadLabels(npz, path, "y_test", "x_test", xTest.Count) : null;
                test = DatasetFactory.FromArray(path + ":x_test", xTest, yTest);
            }
            return new LoadedData(path, path, train, test);
        }
        catch
        {
            train.Dispose();
            throw;
        }
    }

    /// <summary>Reads the label member <paramref name="name"/>, which must hold one label for each of <paramref name="count"/> samples.</summary>
    static int[] ReadLabels(NpzFile npz, string path, string name, string samplesName, int count) =>
        npz.Read(name, shape =>
        {
            if (shape.Length != 1 || shape[0] != count)
                throw new BadInputException(
                    $"{path}: {name} has shape {NumericArray.FormatShape(shape)}, expected [{count}]: one label for each of {samplesName}'s {count} samples");
        }).ToLabels($"{path}: {name}");
}
