using System.CommandLine;
using System.Net;
using Bottleneck.Cli.Serving;
using Bottleneck.Persistence;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck serve`: a model or detector as an HTTP scoring service (the logic lives in Serving/).</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "A trained model folder (a detector's, from anomaly fit, scores and flags), an exported .onnx file, or a folder of them", Required = true };
        var port = new Option<int>("--port") { Description = "TCP port to listen on (0: any free port, printed at start)", DefaultValueFactory = _ => 8080 };
        var host = new Option<string>("--host") { Description = "Address to listen on: 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)", DefaultValueFactory = _ => "127.0.0.1" };
        var backend = new Option<string?>("--backend") { Description = "onnx (ONNX Runtime; the default) or torch (TorchSharp: for a model family with no ONNX form; a model folder only)" };
        var maxBody = new Option<long>("--max-body-bytes") { Description = "Largest request body; larger gets 413", DefaultValueFactory = _ => new ServeLimits().MaxBodyBytes };
        var maxRows = new Option<int>("--max-rows") { Description = "Most rows in one request; more gets 413", DefaultValueFactory = _ => new ServeLimits().MaxRows };
        var timeout = new Option<double>("--timeout-seconds") { Description = "A request not answered by then gets 504", DefaultValueFactory = _ => new ServeLimits().Timeout.TotalSeconds };
        var window = new Option<double>("--batch-window-ms") { Description = "How long the batcher waits for requests on their way before a model call (0: only those already queued; a lone request never waits)", DefaultValueFactory = _ => new ServeLimits().BatchWindow.TotalMilliseconds };
        var batchRows = new Option<int>("--max-batch-rows") { Description = "Most rows in one model call", DefaultValueFactory = _ => new ServeLimits().MaxBatchRows };
        var command = new Command("serve", """
            Serve a model over HTTP (ASP.NET Core). POST /v1/score, /v1/encode and /v1/reconstruct take rows as JSON,
            {"rows": [[...], ...]}, or as text/csv (one row a line, optional header), in the data's own units (a
            detector applies its scaler); they answer {"scores": [...], "anomalies": [...]}, {"codes": [[...]]} or
            {"reconstructions": [[...]]}. GET /healthz answers {"status": "ok"}; GET /v1/model the model's shapes,
            scaling, threshold and limits; GET /openapi.json the OpenAPI description. Bad input gets 400 with
            {"error", "field", "expected"}; a body or batch over the limits 413; a request past the timeout 504.
            Concurrent requests are micro-batched into one model call. Each request is logged on stdout as one JSON
            line. SIGTERM or Ctrl+C stops listening and lets requests in flight finish.

            Examples:
              bottleneck serve --model runs/sensors --port 8080
              curl -s localhost:8080/v1/score -H 'Content-Type: application/json' -d '{"rows": [[0.1, 0.2, ...]]}'
              bottleneck serve --model model.onnx --port 0
            """) { model, port, host, backend, maxBody, maxRows, timeout, window, batchRows };
        // --threads sets TorchSharp's threads (--backend torch); ONNX Runtime picks its own.
        CommandAction.Set(command, "serve", parsed =>
        {
            var limits = new ServeLimits
            {
                MaxBodyBytes = (long)Positive(parsed.GetValue(maxBody), "--max-body-bytes"),
                MaxRows = (int)Positive(parsed.GetValue(maxRows), "--max-rows"),
                Timeout = TimeSpan.FromSeconds(Positive(parsed.GetValue(timeout), "--timeout-seconds")),
                BatchWindow = TimeSpan.FromMilliseconds(parsed.GetValue(window) is var w && w >= 0 && w <= 1000 ? w
                    : throw new BadInputException($"--batch-window-ms: expected 0 to 1000, got {w}")),
                MaxBatchRows = (int)Positive(parsed.GetValue(batchRows), "--max-batch-rows"),
            };
            int listenPort = parsed.GetValue(port) is var p && p is >= 0 and <= 65535 ? p : throw new BadInputException($"--port: expected 0 to 65535, got {p}");
            var address = parsed.GetRequiredValue(host);
            if (!IPAddress.TryParse(address, out _)) throw new BadInputException($"--host: expected an IP address such as 127.0.0.1 or 0.0.0.0, got '{address}'");

            using var served = Open(parsed.GetRequiredValue(model), parsed.GetValue(backend));
            var server = ScoringServer.StartAsync(served, address, listenPort, limits, Console.Out).GetAwaiter().GetResult();
            Console.WriteLine($"bottleneck serve: {served.Info.Name} ({served.Info.Family}, {served.Backend}, rows of {served.Info.RowWidth} values) listening on {server.Address}");
            server.WaitForShutdownAsync().GetAwaiter().GetResult();
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            Console.WriteLine($"bottleneck serve: stopped after {server.Batcher.RowsScored:N0} rows in {server.Batcher.Calls:N0} model calls");
            return CommandRunner.Success;
        });
        return command;
    }

    /// <summary>The model behind --model with the --backend asked for (onnx unless said otherwise).</summary>
    static IRowModel Open(string path, string? backend)
    {
        bool folder = ModelFolder.IsModelFolder(path);
        switch (backend?.Trim().ToLowerInvariant())
        {
            case null or "onnx":
                return folder ? OnnxRowModel.FromModelFolder(path) : OnnxRowModel.FromOnnx(path);
            case "torch":
                if (!folder) throw new BadInputException($"--backend torch: expected a model folder (with {ModelFolder.ModelFile}), got {path}; an .onnx file is served with --backend onnx");
                return TorchRowModel.Load(path);
            default:
                throw new BadInputException($"--backend: unknown backend '{backend}' (expected onnx or torch)");
        }
    }

    static double Positive(double value, string option) =>
        value > 0 ? value : throw new BadInputException($"{option}: expected a positive number, got {value}");
}
