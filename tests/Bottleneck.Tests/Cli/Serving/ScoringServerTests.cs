using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Bottleneck.Applications.Anomaly;
using Bottleneck.Persistence;
using Bottleneck.Tests.Export;
using Bottleneck.Cli.Serving;
using Bottleneck.Scoring;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Cli.Serving;

/// <summary>
/// The scoring service on a loopback port, in-process: a detector's scores, flags, codes and reconstructions against
/// the library and float64 with either backend, CSV and JSON bodies, every refusal with its status and field,
/// micro-batching under concurrent requests, the timeout, and requests in flight finishing at shutdown.
/// </summary>
public sealed class ScoringServerTests : IDisposable
{
    readonly TempFolder folder = new();
    readonly AnomalySettings settings;
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public ScoringServerTests() => settings = DetectorFolder.Write(folder["detector"]);

    public void Dispose() => folder.Dispose();

    IRowModel Open(string backend) => backend == "onnx" ? OnnxRowModel.FromModelFolder(folder["detector"]) : TorchRowModel.Load(folder["detector"]);

    static Task<ScoringServer> Start(IRowModel model, ServeLimits? limits = null) => ScoringServer.StartAsync(model, "127.0.0.1", 0, limits ?? new ServeLimits(), null);

    static HttpClient Client(ScoringServer server) => new() { BaseAddress = server.Address, Timeout = Patience };

    static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    static string RowsJson(float[][] rows) =>
        "{\"rows\": [" + string.Join(",", rows.Select(r => "[" + string.Join(",", r.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]")) + "]}";

    static async Task<(HttpStatusCode Status, JsonNode Body)> Post(HttpClient client, string path, HttpContent content)
    {
        using var response = await client.PostAsync(path, content);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    [Theory]
    [InlineData("onnx")]
    [InlineData("torch")]
    public async Task ScoresFlagsCodesAndReconstructionsMatchTheLibraryAndFloat64(string backend)
    {
        using var model = Open(backend);
        await using var server = await Start(model);
        using var client = Client(server);
        var rows = DetectorFolder.Rows(60, seed: 21);

        var (status, scored) = await Post(client, "/v1/score", Json(RowsJson(rows)));
        Assert.Equal(HttpStatusCode.OK, status);
        var (_, encoded) = await Post(client, "/v1/encode", Json(RowsJson(rows)));
        var (_, reconstructed) = await Post(client, "/v1/reconstruct", Json(RowsJson(rows)));

        using var scope = NewDisposeScope();
        using var detector = AnomalyDetector.Load(folder["detector"]);
        var raw = tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, DetectorFolder.Width]);
        var library = detector.Errors(raw).to_type(ScalarType.Float64).data<double>().ToArray();
        var scores = scored["scores"]!.AsArray().Select(v => (double)v!).ToArray();
        for (int i = 0; i < rows.Length; i++) Assert.True(Math.Abs(scores[i] - library[i]) <= 1e-5 * library[i], $"row {i}: served {scores[i]:R}, library {library[i]:R}");
        Assert.Equal(library.Select(detector.IsAnomaly), scored["anomalies"]!.AsArray().Select(v => (bool)v!));
        Assert.Equal(settings.Threshold, (double)scored["threshold"]!);

        // float64 reference for codes and reconstructions (in the rows' own units).
        using var model64 = ModelFolder.Load(folder["detector"]);
        model64.to(ScalarType.Float64).eval();
        using var noGrad = no_grad();
        var offset = tensor(settings.Scaler!.Offset).to_type(ScalarType.Float64);
        var scale = tensor(settings.Scaler.Scale).to_type(ScalarType.Float64);
        var x = (raw.to_type(ScalarType.Float64) - offset) / scale;
        AssertClose(model64.Encode(x), encoded["codes"]!, relative: false);
        AssertClose(model64.Reconstruct(x) * scale + offset, reconstructed["reconstructions"]!, relative: true);
    }

    static void AssertClose(Tensor expected, JsonNode actual, bool relative)
    {
        var e = expected.contiguous().data<double>().ToArray();
        var a = actual.AsArray().SelectMany(r => r!.AsArray().Select(v => (double)v!)).ToArray();
        Assert.Equal(e.Length, a.Length);
        for (int i = 0; i < e.Length; i++) Assert.True(Math.Abs(a[i] - e[i]) <= 1e-5 * (relative ? Math.Abs(e[i]) : 1), $"value {i}: served {a[i]:R}, float64 {e[i]:R}");
    }

    [Fact]
    public async Task CsvRowsWithOrWithoutTheTrainingHeaderScoreAsJsonRowsDo()
    {
        using var model = Open("onnx");
        await using var server = await Start(model);
        using var client = Client(server);
        var rows = DetectorFolder.Rows(5, seed: 2);
        var csv = string.Join("\n", rows.Select(r => string.Join(",", r.Select(v => v.ToString("R", CultureInfo.InvariantCulture))))) + "\n";
        var (_, fromJson) = await Post(client, "/v1/score", Json(RowsJson(rows)));
        var (status, plain) = await Post(client, "/v1/score", new StringContent(csv, Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, status);
        var (_, headed) = await Post(client, "/v1/score", new StringContent(string.Join(",", DetectorFolder.FeatureNames) + "\r\n" + csv, Encoding.UTF8, "text/csv"));
        Assert.Equal(fromJson["scores"]!.ToJsonString(), plain["scores"]!.ToJsonString());
        Assert.Equal(fromJson["scores"]!.ToJsonString(), headed["scores"]!.ToJsonString());
    }

    public static TheoryData<string, string, int, string, string> BadBodies => new()
    {
        { "application/json", "", 400, "body", "body: expected a JSON object {\"rows\": [[...], ...]}, got an empty body" },
        { "application/json", "[1, 2]", 400, "body", "body: expected a JSON object {\"rows\": [[...], ...]}, got an array" },
        { "application/json", "{\"rows\": [[1, 2", 400, "body", "body: expected valid JSON, got a syntax error at byte 15" },
        { "application/json", "{\"data\": []}", 400, "rows", "rows: expected a field 'rows' holding an array of rows, got no such field" },
        { "application/json", "{\"rows\": 5}", 400, "rows", "rows: expected an array of rows, got the number 5" },
        { "application/json", "{\"rows\": []}", 400, "rows", "rows: expected at least one row, got none" },
        { "application/json", "{\"rows\": [[1,2,3,4,5,6,7,8,9,10,11,12], [1, 2]]}", 400, "rows[1]", "rows[1]: expected 12 numbers, got 2" },
        { "application/json", "{\"rows\": [[1,2,3,4,5,6,7,8,9,10,11,12,13]]}", 400, "rows[0]", "rows[0]: expected 12 numbers, got more" },
        { "application/json", "{\"rows\": [[1,2,3,\"4\",5,6,7,8,9,10,11,12]]}", 400, "rows[0][3]", "rows[0][3]: expected a finite float32 number, got the string \"4\"" },
        { "application/json", "{\"rows\": [[1,2,3,4,5,6,7,8,9,10,11,1e39]]}", 400, "rows[0][11]", "rows[0][11]: expected a finite float32 number, got the number 1e39" },
        { "application/json", "{\"rows\": {\"a\": 1}}", 400, "rows", "rows: expected an array of rows, got an object" },
        { "text/csv", "1,2,3\n", 400, "line 1", "line 1: expected 12 comma-separated numbers, got 3 fields" },
        { "text/csv", "1,2,3,4,5,6,7,8,9,10,11,12\n1,2,3,x,5,6,7,8,9,10,11,12\n", 400, "line 2, column 4", "line 2, column 4: expected a finite float32 number, got 'x'" },
        { "text/csv", "a,b,c,d,e,f,g,h,i,j,k,l\n1,2,3,4,5,6,7,8,9,10,11,12\n", 400, "line 1", "line 1: expected the training columns sensor00,sensor01,sensor02,sensor03,sensor04,sensor05,sensor06,sensor07,sensor08,sensor09,sensor10,sensor11 (or no header), got 'a,b,c,d,e,f,g,h,i,j,k,l'" },
        { "text/plain", "1", 415, "Content-Type", "Content-Type: expected application/json or text/csv, got text/plain" },
    };

    [Theory, MemberData(nameof(BadBodies))]
    public async Task BadBodiesGetTheirStatusAndAJsonBodyNamingTheField(string contentType, string body, int status, string field, string error)
    {
        using var model = Open("onnx");
        await using var server = await Start(model);
        using var client = Client(server);
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var (actualStatus, answer) = await Post(client, "/v1/score", content);
        Assert.Equal(status, (int)actualStatus);
        Assert.Equal(error, (string?)answer["error"]);
        Assert.Equal(field, (string?)answer["field"]);
        Assert.Equal(0, server.Batcher.Calls);
    }

    [Fact]
    public async Task TooLargeABodyOrTooManyRowsIs413AndTheServerCarriesOn()
    {
        using var model = Open("onnx");
        await using var server = await Start(model, new ServeLimits { MaxBodyBytes = 4096, MaxRows = 10 });
        using var client = Client(server);

        var (status, answer) = await Post(client, "/v1/score", Json(RowsJson(DetectorFolder.Rows(100))));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("body", (string?)answer["field"]);
        Assert.Equal("at most 4,096 bytes", (string?)answer["expected"]);

        var ones = "[" + string.Join(",", Enumerable.Repeat("1", 12)) + "]";
        (status, answer) = await Post(client, "/v1/score", Json("{\"rows\": [" + string.Join(",", Enumerable.Repeat(ones, 11)) + "]}"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("rows: at most 10 rows a request (split the batch)", (string?)answer["error"]);

        (status, answer) = await Post(client, "/v1/score", Json(RowsJson(DetectorFolder.Rows(10))));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(10, answer["scores"]!.AsArray().Count);
    }

    [Fact]
    public async Task HealthModelAndOpenApiDescribeTheDetector()
    {
        using var model = Open("onnx");
        await using var server = await Start(model);
        using var client = Client(server);
        Assert.Equal("{\"status\":\"ok\"}", await client.GetStringAsync("/healthz"));
        var info = JsonNode.Parse(await client.GetStringAsync("/v1/model"))!;
        Assert.Equal("sensors", (string?)info["name"]);
        Assert.Equal("onnx", (string?)info["backend"]);
        Assert.Equal(12, (int)info["row_width"]!);
        Assert.Equal(settings.Threshold, (double)info["threshold"]!);
        Assert.Equal("sensor11", (string?)info["feature_names"]![11]);
        Assert.Equal(1024, (int)info["limits"]!["max_rows"]!);
        var openApi = JsonNode.Parse(await client.GetStringAsync("/openapi.json"))!;
        Assert.Equal("3.1.0", (string?)openApi["openapi"]);
        Assert.Equal(["/healthz", "/v1/model", "/v1/score", "/v1/encode", "/v1/reconstruct"], openApi["paths"]!.AsObject().Select(p => p.Key));
        var row = openApi["components"]!["schemas"]!["Rows"]!["properties"]!["rows"]!;
        Assert.Equal(1024, (int)row["maxItems"]!);
        Assert.Equal(12, (int)row["items"]!["minItems"]!);
        Assert.Equal(3, (int)openApi["paths"]!["/v1/encode"]!["post"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["properties"]!["codes"]!["items"]!["maxItems"]!);
        using var missing = await client.GetAsync("/v2/score");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task ConcurrentRequestsAreBatchedAndEachGetsItsOwnRows()
    {
        using var model = Open("onnx");
        await using var server = await Start(model, new ServeLimits { BatchWindow = TimeSpan.FromMilliseconds(20) });
        using var client = Client(server);
        var batches = Enumerable.Range(0, 64).Select(i => DetectorFolder.Rows(1 + i % 5, seed: 100 + i)).ToArray();
        using var scorer = OnnxScorer.FromBytes([OnnxExportFor(folder["detector"])]);
        var answers = await Task.WhenAll(batches.Select(b => Post(client, "/v1/score", Json(RowsJson(b)))));
        for (int i = 0; i < batches.Length; i++)
        {
            Assert.Equal(HttpStatusCode.OK, answers[i].Status);
            var expected = scorer.Score(batches[i]);
            var served = answers[i].Body["scores"]!.AsArray().Select(v => (float)v!).ToArray();
            Assert.Equal(expected.Length, served.Length);
            for (int j = 0; j < expected.Length; j++) Assert.True(Math.Abs(expected[j] - served[j]) <= 1e-6 * expected[j], $"request {i} row {j}");
        }
        Assert.Equal(batches.Sum(b => b.Length), server.Batcher.RowsScored);
        Assert.True(server.Batcher.Calls < batches.Length, $"{server.Batcher.Calls} model calls for {batches.Length} concurrent requests: nothing was batched");
    }

    [Fact]
    public async Task ARequestAloneDoesNotWaitForTheBatchWindow()
    {
        using var model = Open("onnx");
        await using var server = await Start(model, new ServeLimits { BatchWindow = TimeSpan.FromSeconds(3) });
        using var client = Client(server);
        await Post(client, "/v1/score", Json(RowsJson(DetectorFolder.Rows(1))));   // warm-up
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (status, _) = await Post(client, "/v1/score", Json(RowsJson(DetectorFolder.Rows(2))));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1.5), $"a lone request took {clock.Elapsed.TotalMilliseconds:N0} ms with a 3 s window");
    }

    static byte[] OnnxExportFor(string directory)
    {
        using var model = ModelFolder.Load(directory);
        var manifest = ModelFolder.ReadManifest(directory);
        return Bottleneck.Export.Onnx.OnnxExport.ToBytes(model, Bottleneck.Export.Onnx.OnnxGraphKind.Score,
            detector: AnomalySettings.FromManifest(manifest, "model.json"));
    }

    /// <summary>A model that takes its time, to hold a request in flight.</summary>
    sealed class SlowModel(IRowModel inner, TimeSpan delay) : IRowModel
    {
        public string Backend => inner.Backend;
        public ScoringModelInfo Info => inner.Info;
        public bool Has(RowFunction function) => inner.Has(function);
        public float[] Encode(float[] values) => inner.Encode(values);
        public float[] Reconstruct(float[] values) => inner.Reconstruct(values);
        public ScoredRows Score(float[] values)
        {
            Thread.Sleep(delay);
            return inner.Score(values);
        }
        public void Dispose() => inner.Dispose();
    }

    [Fact]
    public async Task ARequestPastTheTimeoutIs504()
    {
        using var model = new SlowModel(Open("onnx"), TimeSpan.FromSeconds(2));
        await using var server = await Start(model, new ServeLimits { Timeout = TimeSpan.FromMilliseconds(300) });
        using var client = Client(server);
        using var response = await client.PostAsync("/v1/score", Json(RowsJson(DetectorFolder.Rows(2))));
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
    }

    [Fact]
    public async Task ARequestInFlightAtShutdownIsAnswered()
    {
        using var model = new SlowModel(Open("onnx"), TimeSpan.FromMilliseconds(800));
        var server = await Start(model);
        using var client = Client(server);
        var inFlight = client.PostAsync("/v1/score", Json(RowsJson(DetectorFolder.Rows(3))));
        await Task.Delay(200);
        await server.DisposeAsync();   // what SIGTERM does: stop listening, finish what is in flight
        using var response = await inFlight;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["scores"]!.AsArray().Count);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("/healthz"));
    }
}
