using System.Text.Json.Nodes;

namespace Bottleneck.Cli.Serving;

/// <summary>
/// The service's OpenAPI 3.1 description (GET /openapi.json), written for the model being served: a row's schema has
/// exactly its number of values and a request at most the row limit, so a client generator or a validator in front of
/// the service knows what the server accepts.
/// </summary>
internal static class OpenApiDescription
{
    public static JsonObject For(IRowModel model, ServeLimits limits)
    {
        var info = model.Info;
        JsonObject Row(int width, string what) => new()
        {
            ["type"] = "array", ["description"] = what, ["minItems"] = width, ["maxItems"] = width, ["items"] = new JsonObject { ["type"] = "number", ["format"] = "float" },
        };
        JsonObject Rows(int width, string what) => new() { ["type"] = "array", ["items"] = Row(width, what) };
        JsonObject Ref(string name) => new() { ["$ref"] = $"#/components/schemas/{name}" };
        JsonObject Json(JsonObject schema) => new() { ["application/json"] = new JsonObject { ["schema"] = schema } };
        JsonObject Errors() => new()
        {
            ["400"] = new JsonObject { ["description"] = "A malformed body: the field and what was expected", ["content"] = Json(Ref("Error")) },
            ["413"] = new JsonObject { ["description"] = $"A body over {limits.MaxBodyBytes:N0} bytes or more than {limits.MaxRows:N0} rows", ["content"] = Json(Ref("Error")) },
            ["415"] = new JsonObject { ["description"] = "A Content-Type other than application/json or text/csv", ["content"] = Json(Ref("Error")) },
            ["504"] = new JsonObject { ["description"] = $"Not answered within {limits.Timeout.TotalSeconds:0.###} s" },
        };
        JsonObject Post(string summary, JsonObject answer)
        {
            var responses = Errors();
            responses["200"] = new JsonObject { ["description"] = summary, ["content"] = Json(answer) };
            return new JsonObject
            {
                ["post"] = new JsonObject
                {
                    ["summary"] = summary,
                    ["requestBody"] = new JsonObject
                    {
                        ["required"] = true,
                        ["content"] = new JsonObject
                        {
                            ["application/json"] = new JsonObject { ["schema"] = Ref("Rows") },
                            ["text/csv"] = new JsonObject
                            {
                                ["schema"] = new JsonObject { ["type"] = "string" },
                                ["description"] = $"One row a line, {info.RowWidth} comma-separated numbers; an optional header" +
                                                  (info.FeatureNames is { } names ? $" that must be {string.Join(",", names)}" : ""),
                            },
                        },
                    },
                    ["responses"] = responses,
                },
            };
        }

        var scores = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["scores"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "number" }, ["description"] = "Each row's mean squared reconstruction error (§8.4)" },
                ["anomalies"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "boolean" }, ["description"] = "score > threshold (detectors only)" },
                ["threshold"] = new JsonObject { ["type"] = "number" },
            },
        };
        var paths = new JsonObject
        {
            ["/healthz"] = new JsonObject { ["get"] = new JsonObject { ["summary"] = "Liveness", ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "{\"status\": \"ok\"}" } } } },
            ["/v1/model"] = new JsonObject { ["get"] = new JsonObject { ["summary"] = "The model's shapes, scaling, threshold, feature names and the server's limits", ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "Model metadata" } } } },
        };
        if (model.Has(RowFunction.Score)) paths["/v1/score"] = Post("Each row's anomaly score (and flag, for a detector)", scores);
        if (model.Has(RowFunction.Encode))
            paths["/v1/encode"] = Post("Each row's code", new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["codes"] = Rows(info.CodeWidth, "A code") } });
        if (model.Has(RowFunction.Reconstruct))
            paths["/v1/reconstruct"] = Post("Each row's reconstruction, in the rows' units",
                new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["reconstructions"] = Rows(info.RowWidth, "A reconstruction") } });

        return new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject
            {
                ["title"] = $"bottleneck serve: {info.Name} ({info.Family})",
                ["version"] = info.LibraryVersion,
                ["description"] = $"Rows of {info.RowWidth} values ([{string.Join(", ", info.InputShape)}]) in the data's own units; scaling: {info.Scaling}",
            },
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = new JsonObject
                {
                    ["Rows"] = new JsonObject
                    {
                        ["type"] = "object",
                        ["required"] = new JsonArray("rows"),
                        ["properties"] = new JsonObject
                        {
                            ["rows"] = new JsonObject { ["type"] = "array", ["minItems"] = 1, ["maxItems"] = limits.MaxRows, ["items"] = Row(info.RowWidth, "One row") },
                        },
                    },
                    ["Error"] = new JsonObject
                    {
                        ["type"] = "object",
                        ["properties"] = new JsonObject
                        {
                            ["error"] = new JsonObject { ["type"] = "string" },
                            ["field"] = new JsonObject { ["type"] = "string", ["description"] = "The part of the request at fault: rows[3][5], line 4, column 2, body, Content-Type" },
                            ["expected"] = new JsonObject { ["type"] = "string" },
                        },
                    },
                },
            },
        };
    }
}
