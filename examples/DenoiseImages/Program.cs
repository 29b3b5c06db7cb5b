// Denoise a folder of images (§8.3): train a denoising autoencoder on clean images — every epoch feeds it freshly
// noised copies and asks for the clean image back — then write a cleaned copy of each noisy image.
//   dotnet run --project examples/DenoiseImages -- CLEAN_DIR NOISY_DIR OUT_DIR [MODEL]
// MODEL is a preset (conv-denoise, the default, is the §10.3 convolutional model; denoise and deep are dense) or a spec .json.
using Bottleneck;

if (args.Length is < 3 or > 4)
{
    Console.Error.WriteLine("usage: DenoiseImages CLEAN_DIR NOISY_DIR OUT_DIR [MODEL]");
    return 2;
}
try
{
    var clean = ImageFolder.Read(args[0]);
    var noisy = ImageFolder.Read(args[1]);
    if (noisy.Height != clean.Height || noisy.Width != clean.Width)
        throw new BadInputException($"{args[1]}: expected {clean.Width}×{clean.Height} images like {args[0]}'s, got {noisy.Width}×{noisy.Height}");

    using var model = AutoencoderModel.Create(args.Length == 4 ? args[3] : "conv-denoise", clean.SampleShape);
    var report = model.Fit(clean.Rows, new FitOptions { Epochs = 30, BatchSize = 32, InputNoise = 0.3 });
    Console.WriteLine($"trained on {clean.Rows.Length} clean images for {report.EpochsRun} epochs " +
                      $"(validation loss on noisy inputs {report.BestValidationLoss:F4})");

    float[][] denoised = model.Reconstruct(noisy.Rows);
    Directory.CreateDirectory(args[2]);
    for (int i = 0; i < denoised.Length; i++)
        noisy.WritePng(Path.Combine(args[2], Path.GetFileNameWithoutExtension(noisy.Files[i]) + ".png"), denoised[i]);
    Console.WriteLine($"wrote {denoised.Length} denoised images to {args[2]}");
    return 0;
}
catch (BadInputException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
