namespace Bottleneck.Tests.Architecture;

/// <summary>
/// A dependency graph between the library's parts ("Models", "Applications.Anomaly"), each edge remembering one
/// type-level reference that caused it, and the two checks the layering rule makes of it: no cycle, and no reference
/// from a lower layer to a higher one.
/// </summary>
public sealed class LayerGraph
{
    // from part → to part → one example reference ("Models.Autoencoder → Reporting.ImageGrid")
    readonly SortedDictionary<string, SortedDictionary<string, string>> edges = new(StringComparer.Ordinal);

    /// <summary>The parts that reference another part.</summary>
    public IEnumerable<string> Parts => edges.Keys;

    /// <summary>Records that <paramref name="from"/> references <paramref name="to"/>; a part's references to itself are ignored.</summary>
    public void Add(string from, string to, string example)
    {
        if (from == to) return;
        if (!edges.TryGetValue(from, out var targets)) edges[from] = targets = new(StringComparer.Ordinal);
        targets.TryAdd(to, example);
    }

    /// <summary>Every edge as (from, to, example).</summary>
    public IEnumerable<(string From, string To, string Example)> Edges =>
        edges.SelectMany(e => e.Value.Select(t => (e.Key, t.Key, t.Value)));

    /// <summary>
    /// One cycle for every strongly connected group of two or more parts (Tarjan's algorithm), written as the path
    /// "A → B → A" with the reference behind each step.
    /// </summary>
    public IReadOnlyList<string> Cycles()
    {
        var nodes = edges.Keys.Concat(edges.Values.SelectMany(t => t.Keys)).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToList();
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var groups = new List<List<string>>();
        void Visit(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in Targets(v))
                if (!index.ContainsKey(w)) { Visit(w); low[v] = Math.Min(low[v], low[w]); }
                else if (onStack.Contains(w)) low[v] = Math.Min(low[v], index[w]);
            if (low[v] != index[v]) return;
            var group = new List<string>();
            string popped;
            do { popped = stack.Pop(); onStack.Remove(popped); group.Add(popped); } while (popped != v);
            if (group.Count > 1) groups.Add(group);
        }
        foreach (var n in nodes) if (!index.ContainsKey(n)) Visit(n);
        return groups.Select(g => Describe(ShortestCycle(g.Min(StringComparer.Ordinal)!, g.ToHashSet()))).ToList();
    }

    /// <summary>
    /// Every edge that goes up the order: from a part whose layer comes earlier in <paramref name="order"/> to one whose
    /// layer comes later. Parts of one layer may reference each other (only a cycle among them is an error).
    /// </summary>
    /// <exception cref="ArgumentException">A part whose layer is not in <paramref name="order"/>.</exception>
    public IReadOnlyList<string> UpwardReferences(IReadOnlyList<string> order, Func<string, string> layerOf)
    {
        int Rank(string part)
        {
            int rank = order.ToList().IndexOf(layerOf(part));
            return rank >= 0 ? rank : throw new ArgumentException($"{part}: its layer '{layerOf(part)}' is not in the layer order [{string.Join(", ", order)}]");
        }
        return Edges.Where(e => Rank(e.From) < Rank(e.To))
            .Select(e => $"{e.From} ({layerOf(e.From)}) → {e.To} ({layerOf(e.To)}): {e.Example}").ToList();
    }

    IEnumerable<string> Targets(string from) => edges.TryGetValue(from, out var t) ? t.Keys : [];

    // Breadth-first from start back to start inside its group: the shortest cycle through start.
    List<string> ShortestCycle(string start, HashSet<string> group)
    {
        var previous = new Dictionary<string, string>();
        var queue = new Queue<string>([start]);
        while (queue.Count > 0)
        {
            var v = queue.Dequeue();
            foreach (var w in Targets(v).Where(group.Contains))
            {
                if (w == start)
                {
                    var path = new List<string> { start };
                    for (var x = v; x != start; x = previous[x]) path.Insert(1, x);
                    path.Add(start);
                    return path;
                }
                if (previous.TryAdd(w, v)) queue.Enqueue(w);
            }
        }
        throw new InvalidOperationException($"{start} is in a strongly connected group but on no cycle");
    }

    string Describe(List<string> cycle) =>
        string.Join(" → ", cycle) + " (" + string.Join("; ", cycle.Zip(cycle.Skip(1), (a, b) => edges[a][b])) + ")";
}
