using System.Diagnostics;
using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bottleneck.Cli.Serving;

/// <summary>
/// The HTTP scoring service of `bottleneck serve` on ASP.NET Core (Kestrel): POST /v1/score, /v1/encode and
/// /v1/reconstruct take rows as JSON or CSV and answer JSON; GET /healthz, /v1/model and /openapi.json. Requests are micro-batched,
/// bounded in size, rows and time; bad input gets a 400 naming the field; every request is logged as one JSON line.
/// </summary>
internal sealed class ScoringServer : IAsyncDisposable
{
    readonly WebApplication app;
    readonly MicroBatcher batcher;

    ScoringServer(WebApplication app, MicroBatcher batcher)
    {
        this.app = app;
        this.batcher = batcher;
    }

    /// <summary>The address the server listens on (http://127.0.0.1:PORT), known once started.</summary>
    public Uri Address => new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>The micro-batcher's counters.</summary>
    public MicroBatcher Batcher => batcher;

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // A reconstruction of extreme input may overflow float32; say "Infinity" rather than fail the response.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Starts serving <paramref name="model"/> on <paramref name="host"/>:<paramref name="port"/> (0: any free port).</summary>
    /// <param name="requestLog">Where the one-line JSON request logs go (null: none).</param>
    public static async Task<ScoringServer> StartAsync(IRowModel model, string host, int port, ServeLimits limits, TextWriter? requestLog)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        if (requestLog is not null) builder.Logging.AddProvider(new JsonLineLoggerProvider(requestLog));
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = limits.ShutdownTimeout);
        builder.Services.AddRequestTimeouts(o => o.DefaultPolicy = new RequestTimeoutPolicy
        {
            Timeout = limits.Timeout,
            TimeoutStatusCode = StatusCodes.Status504GatewayTimeout,
        });
        builder.WebHost.ConfigureKestrel(o =>
        {
            o.Limits.MaxRequestBodySize = limits.MaxBodyBytes;
            o.Limits.MaxConcurrentConnections = limits.MaxConnections;
            o.Limits.MaxRequestHeadersTotalSize = 16 * 1024;
            o.AddServerHeader = false;
            o.Listen(IPAddress.Parse(host), port);
        });
        var app = builder.Build();
        var batcher = new MicroBatcher(model, limits.BatchWindow, limits.MaxBatchRows, queueLength: limits.MaxConnections);
        var rows = new RowReader(model.Info.RowWidth, limits.MaxRows, model.Info.FeatureNames);
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("bottleneck.serve");

        app.Use(async (context, next) =>
        {
            var clock = Stopwatch.StartNew();
            try { await next(context); }
            finally
            {
                log.LogInformation("{method} {path} {status} {rows} {ms}", context.Request.Method, context.Request.Path.Value,
                    context.Response.StatusCode, context.Items.TryGetValue("rows", out var n) ? n : 0, Math.Round(clock.Elapsed.TotalMilliseconds, 2));
            }
        });
        app.UseRequestTimeouts();

        app.MapGet("/healthz", () => Results.Json(new { status = "ok" }, Json));
        app.MapGet("/v1/model", () => Results.Json(Describe(model, limits), Json));
        var openApi = OpenApiDescription.For(model, limits).ToJsonString();
        app.MapGet("/openapi.json", () => Results.Text(openApi, "application/json"));
        foreach (var function in Enum.GetValues<RowFunction>())
            app.MapPost($"/v1/{function.ToString().ToLowerInvariant()}", (HttpContext context) => Answer(context, function, model, rows, batcher));
        app.MapFallback((HttpContext context) => Error(context, new RequestError(404, "path", "one of GET /healthz, GET /v1/model, GET /openapi.json, POST /v1/score, /v1/encode, /v1/reconstruct",
            $"no such endpoint: {context.Request.Method} {context.Request.Path}")));

        await app.StartAsync();
        return new ScoringServer(app, batcher);
    }

    static async Task Answer(HttpContext context, RowFunction function, IRowModel model, RowReader reader, MicroBatcher batcher)
    {
        using var arrival = batcher.Expect();
        try
        {
            if (!model.Has(function))
                throw new RequestError(404, "path", $"one of the graphs loaded ({string.Join(", ", model.Info.Graphs)})",
                    $"this model has no {function.ToString().ToLowerInvariant()} graph (export it with bottleneck export --graph {function.ToString().ToLowerInvariant()})");
            var body = await ReadBody(context);
            var (values, rows) = reader.Read(body, context.Request.ContentType);
            context.Items["rows"] = rows;
            var result = await batcher.Run(function, values, rows, context.RequestAborted);
            object answer = result switch
            {
                ScoredRows scored => new { scores = scored.Scores, anomalies = scored.Anomalies, threshold = model.Info.Threshold },
                float[] flat when function == RowFunction.Encode => new { codes = Split(flat, rows) },
                float[] flat => new { reconstructions = Split(flat, rows) },
                _ => throw new InvalidOperationException("unexpected result"),
            };
            await Results.Json(answer, Json).ExecuteAsync(context);
        }
        catch (RequestError e)
        {
            await Error(context, e);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await Error(context, new RequestError(413, "body", $"at most {context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize:N0} bytes",
                "body: too large"));
        }
    }

    static async Task<ReadOnlyMemory<byte>> ReadBody(HttpContext context)
    {
        // Kestrel stops a body past MaxRequestBodySize (BadHttpRequestException 413), so this never holds more.
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    static float[][] Split(float[] values, int rows)
    {
        int width = values.Length / rows;
        return Enumerable.Range(0, rows).Select(i => values[(i * width)..((i + 1) * width)]).ToArray();
    }

    static Task Error(HttpContext context, RequestError e)
    {
        if (context.Response.HasStarted) return Task.CompletedTask;
        context.Response.StatusCode = e.Status;
        return context.Response.WriteAsJsonAsync(new { error = e.Message, field = e.Field, expected = e.Expected }, Json);
    }

    static object Describe(IRowModel model, ServeLimits limits)
    {
        var info = model.Info;
        return new
        {
            name = info.Name, family = info.Family, backend = model.Backend, graphs = info.Graphs,
            inputShape = info.InputShape, rowWidth = info.RowWidth, codeShape = info.CodeShape, scaling = info.Scaling,
            threshold = info.Threshold, percentile = info.Percentile, featureNames = info.FeatureNames,
            scaler = info.Scaler?.Kind, libraryVersion = info.LibraryVersion,
            limits = new { maxBodyBytes = limits.MaxBodyBytes, maxRows = limits.MaxRows, timeoutSeconds = limits.Timeout.TotalSeconds },
        };
    }

    /// <summary>Waits until the host stops (SIGTERM, Ctrl+C, or <paramref name="cancel"/>), letting requests in flight finish.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancel = default) => app.WaitForShutdownAsync(cancel);

    /// <summary>Stops listening, finishes requests in flight (up to the shutdown timeout), then the batcher's queue.</summary>
    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await batcher.DisposeAsync();
        await app.DisposeAsync();
    }
}
