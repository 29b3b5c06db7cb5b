using Bottleneck.Models;
using Mono.Cecil;
using Xunit;

namespace Bottleneck.Tests.Architecture;

/// <summary>
/// The library's dependencies point one way (docs/architecture.md). The compiled Bottleneck.dll is read with Mono.Cecil:
/// every type a type names in its signatures, attributes and method bodies (calls, field accesses, locals, casts,
/// typeof, catch clauses) is an edge from its part to the other's, a part being a namespace collapsed to its layer
/// (Bottleneck.Models.Vae → Models) or, for applications, to the application (Bottleneck.Applications.Anomaly).
/// </summary>
public class LayeringTests
{
    /// <summary>
    /// The layers, lowest first. A part may reference its own layer's parts and lower layers, never a higher one.
    /// Foundation is the four root-namespace types every layer uses; FrontDoor is the rest of the root namespace, the
    /// facade (AutoencoderModel, AnomalyModel) that must stay in namespace Bottleneck for its users.
    /// </summary>
    static readonly string[] Order =
        ["Foundation", "IO", "Kernels", "DataParallel", "Data", "Objectives", "Models", "Evaluation", "Training", "Persistence",
         "Reporting", "Applications", "Export", "FrontDoor"];

    static readonly HashSet<string> FoundationTypes = ["BadInputException", "OptionException", "Excerpt", "LibraryInfo", "StageProgress"];

    /// <summary>The part a type belongs to; null for what the compiler adds (&lt;Module&gt;, embedded attributes).</summary>
    static string? PartOf(TypeDefinition type)
    {
        // A closure (<>c__DisplayClass), lambda cache (<>c) or iterator/async state machine is nested in the type whose
        // code it holds: it belongs where that type belongs.
        var outer = type;
        while (outer.DeclaringType is not null) outer = outer.DeclaringType;
        var ns = outer.Namespace;
        if (ns == "Bottleneck") return FoundationTypes.Contains(outer.Name) ? "Foundation" : "FrontDoor";
        if (ns.StartsWith("Bottleneck.", StringComparison.Ordinal))
        {
            var segments = ns.Split('.');
            return segments[1] == "Applications" && segments.Length > 2 ? "Applications." + segments[2] : segments[1];
        }
        if (ns == "Onnx") return "Export";   // compiled by protoc from Export/Onnx/onnx.proto (package onnx)
        if (outer.Name.StartsWith('<') || ns is "Microsoft.CodeAnalysis" || ns.StartsWith("System.", StringComparison.Ordinal)) return null;
        throw new InvalidOperationException($"{outer.FullName}: namespace '{ns}' belongs to no part of the library");
    }

    static string LayerOf(string part) => part.StartsWith("Applications.", StringComparison.Ordinal) ? "Applications" : part;

    static LayerGraph LibraryGraph()
    {
        using var module = ModuleDefinition.ReadModule(typeof(Autoencoder).Assembly.Location);
        var graph = new LayerGraph();
        foreach (var type in module.GetTypes())
            if (PartOf(type) is { } from)
                foreach (var target in TypeReferences.Of(type))
                    if (PartOf(target) is { } to)
                        graph.Add(from, to, $"{type.FullName} → {target.FullName}");
        return graph;
    }

    [Fact]
    public void The_library_has_no_namespace_cycle()
    {
        var cycles = LibraryGraph().Cycles();
        Assert.True(cycles.Count == 0, "namespace cycles:\n" + string.Join("\n", cycles));
    }

    [Fact]
    public void No_layer_references_a_higher_one()
    {
        var upward = LibraryGraph().UpwardReferences(Order, LayerOf);
        Assert.True(upward.Count == 0, $"references up the order [{string.Join(" < ", Order)}]:\n" + string.Join("\n", upward));
    }

    [Fact]
    public void The_graph_holds_the_references_the_library_is_known_to_make()
    {
        // Guards against a reader that sees nothing and so finds no violation: edges that must exist.
        var edges = LibraryGraph().Edges.Select(e => (e.From, e.To)).ToHashSet();
        Assert.Contains(("Models", "Objectives"), edges);            // Autoencoder.Loss takes a ReconstructionLoss
        Assert.Contains(("Applications.Anomaly", "Training"), edges);  // anomaly fit trains a model
        Assert.Contains(("FrontDoor", "Applications.Anomaly"), edges); // AnomalyModel wraps the detector
        Assert.Contains(("Export", "Models"), edges);                  // ONNX export walks a model's layers
    }

    [Fact]
    public void The_checker_names_a_cycle_and_an_upward_reference_in_a_hand_made_graph()
    {
        var graph = new LayerGraph();
        graph.Add("Applications.A", "Applications.B", "A.X → B.Y");
        graph.Add("Applications.B", "Applications.C", "B.Y → C.Z");
        graph.Add("Applications.C", "Applications.A", "C.Z → A.X");   // A → B → C → A, all one layer
        graph.Add("Applications.C", "Models", "C.Z → Models.M");        // down: fine
        graph.Add("Data", "Reporting", "Data.D → Reporting.R");        // up
        graph.Add("Models", "Models", "a part's own references are not edges");

        var cycle = Assert.Single(graph.Cycles());
        Assert.Equal("Applications.A → Applications.B → Applications.C → Applications.A (A.X → B.Y; B.Y → C.Z; C.Z → A.X)", cycle);
        var upward = Assert.Single(graph.UpwardReferences(Order, LayerOf));
        Assert.Equal("Data (Data) → Reporting (Reporting): Data.D → Reporting.R", upward);
        Assert.Throws<ArgumentException>(() => graph.UpwardReferences(["Data", "Models", "Applications"], LayerOf));   // Reporting has no place

        var clean = new LayerGraph();
        clean.Add("Reporting", "Data", "R → D");
        clean.Add("Applications.A", "Applications.B", "A → B");
        Assert.Empty(clean.Cycles());
        Assert.Empty(clean.UpwardReferences(Order, LayerOf));
    }

    [Fact]
    public void The_reader_sees_references_made_only_in_method_bodies_and_closures()
    {
        using var module = ModuleDefinition.ReadModule(typeof(LayeringTests).Assembly.Location);
        var user = module.GetType(typeof(BodyOnlyUser).FullName!.Replace('+', '/'));   // Cecil writes nested types Outer/Inner
        var seen = module.GetTypes().Where(t => IsOrNests(t, user)).SelectMany(TypeReferences.Of).Select(t => t.Name).ToHashSet();
        Assert.Contains(nameof(CreatedInBody), seen);
        Assert.Contains(nameof(CaughtInBody), seen);
        Assert.Contains(nameof(UsedInClosure), seen);   // inside <>c__DisplayClass, nested in BodyOnlyUser
        // The closure's own references are not the declaring type's until PartOf walks out to it.
        var closure = user.NestedTypes.Single(t => t.Name.StartsWith("<>c", StringComparison.Ordinal));
        Assert.Contains(nameof(UsedInClosure), TypeReferences.Of(closure).Select(t => t.Name));
    }

    static bool IsOrNests(TypeDefinition type, TypeDefinition outer)
    {
        for (var t = type; t is not null; t = t.DeclaringType) if (t == outer) return true;
        return false;
    }

    sealed class CreatedInBody;
    sealed class CaughtInBody : Exception;
    sealed class UsedInClosure { public int Value = 1; }

    // Names the three types above only inside method bodies: no field, parameter or return type mentions them.
    sealed class BodyOnlyUser
    {
        public static object Make() => new CreatedInBody();

        public static int Catch()
        {
            try { return 0; }
            catch (CaughtInBody) { return 1; }
        }

        public static Func<int> Later(int n) => () => new UsedInClosure().Value + n;
    }
}
