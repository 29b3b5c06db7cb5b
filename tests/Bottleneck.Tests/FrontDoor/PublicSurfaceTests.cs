using System.Reflection;
using System.Runtime.CompilerServices;
using System.Xml.Linq;
using Xunit;

namespace Bottleneck.Tests.FrontDoor;

/// <summary>
/// The library's public surface is the front door and the exceptions its users catch, nothing else: a public type or
/// member added, removed or changed anywhere fails here until the approved listing (PublicSurface.txt beside this
/// file) is updated on purpose. Everything listed must carry XML documentation: a summary, every parameter, the return.
/// </summary>
public class PublicSurfaceTests
{
    static readonly Assembly Library = typeof(AutoencoderModel).Assembly;

    static string ApprovedPath => Path.Combine(TestData.RepositoryRoot, "tests", "Bottleneck.Tests", "FrontDoor", "PublicSurface.txt");

    [Fact]
    public void The_exported_types_and_members_are_the_approved_ones()
    {
        var actual = Listing(Library);
        var approved = File.ReadAllLines(ApprovedPath).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();
        var added = Qualified(actual).Except(Qualified(approved)).ToArray();
        var removed = Qualified(approved).Except(Qualified(actual)).ToArray();
        if (added.Length == 0 && removed.Length == 0) return;
        var actualPath = Path.Combine(AppContext.BaseDirectory, "PublicSurface.actual.txt");
        File.WriteAllLines(actualPath, [File.ReadLines(ApprovedPath).First(), .. actual]);
        Assert.Fail($"""
            The public surface of Bottleneck.dll changed.
            New (not approved): {(added.Length == 0 ? "none" : "\n  " + string.Join("\n  ", added))}
            Gone (approved, missing): {(removed.Length == 0 ? "none" : "\n  " + string.Join("\n  ", removed))}
            A type only the library or the command line uses belongs `internal` (Bottleneck.Cli and the tests see internals).
            If the change is meant for library users, document it and approve it:
              cp {actualPath} {ApprovedPath}
            """);
    }

    [Fact]
    public void Every_exported_type_and_member_is_documented_with_its_parameters_and_return()
    {
        var docs = XDocument.Load(Path.ChangeExtension(Library.Location, ".xml")).Descendants("member")
            .ToDictionary(m => (string)m.Attribute("name")!, m => m);
        var missing = new List<string>();
        foreach (var type in Library.GetExportedTypes())
        {
            if (!docs.TryGetValue("T:" + DocName(type), out var typeDoc) || Summary(typeDoc) is null)
                missing.Add($"{type.FullName}: no <summary>");
            foreach (var member in Members(type))
            {
                var id = DocId(member);
                if (!docs.TryGetValue(id, out var doc))
                {
                    // A positional record's property is documented by the record's <param> of the same name.
                    if (member is PropertyInfo && typeDoc?.Elements("param").Any(p => (string?)p.Attribute("name") == member.Name) == true) continue;
                    // The compiler's default constructor of an options record (new FitOptions()) has no source to document.
                    if (member is ConstructorInfo { IsStatic: false } c && c.GetParameters().Length == 0) continue;
                    missing.Add($"{id}: no documentation");
                    continue;
                }
                if (doc.Element("inheritdoc") is not null) continue;
                if (Summary(doc) is null) missing.Add($"{id}: no <summary>");
                if (member is MethodBase method)
                {
                    var documented = doc.Elements("param").Select(p => (string?)p.Attribute("name")).ToHashSet();
                    foreach (var p in method.GetParameters().Where(p => !documented.Contains(p.Name)))
                        missing.Add($"{id}: no <param name=\"{p.Name}\">");
                    if (method is MethodInfo { ReturnType: var r } && r != typeof(void) && doc.Element("returns") is null)
                        missing.Add($"{id}: no <returns>");
                }
            }
        }
        Assert.True(missing.Count == 0, "Undocumented public API (the package's users read these in their editor):\n  " + string.Join("\n  ", missing));
    }

    /// <summary>One line per exported type, followed by one per public or protected member it declares.</summary>
    static string[] Listing(Assembly assembly) =>
        assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal)
            .SelectMany(t => new[] { $"{Kind(t)} {t.FullName}{Bases(t)}" }.Concat(Members(t).Select(m => $"    {(IsStatic(m) ? "static " : "")}{m}")))
            .ToArray();

    /// <summary>Each line of a listing with its type's line before a member's, so that two types' Dispose() differ.</summary>
    static IEnumerable<string> Qualified(IEnumerable<string> listing)
    {
        string type = "";
        foreach (var line in listing)
            if (line.StartsWith(' ')) yield return $"{type} | {line.Trim()}";
            else yield return type = line;
    }

    static bool IsStatic(MemberInfo m) => m switch
    {
        MethodBase method => method.IsStatic,
        PropertyInfo p => (p.GetMethod ?? p.SetMethod)!.IsStatic,
        FieldInfo f => f.IsStatic,
        _ => false,
    };

    /// <summary>The members a user can call, compiler-written ones (a record's Equals, Deconstruct, accessors) aside.</summary>
    static IEnumerable<MemberInfo> Members(Type type) =>
        type.GetMembers(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Where(m => m switch
            {
                MethodBase method => (method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly) && !method.IsSpecialName
                    || method is ConstructorInfo { IsPublic: true } || method.Name.StartsWith("op_") && method.IsPublic,
                PropertyInfo p => new[] { p.GetMethod, p.SetMethod }.Any(a => a is { IsPublic: true } or { IsFamily: true }),
                FieldInfo f => f.IsPublic || f.IsFamily,
                EventInfo e => e.AddMethod is { IsPublic: true },
                Type nested => nested.IsNestedPublic,
                _ => false,
            })
            .Where(m => m.GetCustomAttribute<CompilerGeneratedAttribute>() is null && !m.Name.StartsWith('<'))
            .Where(m => m is not Type)   // nested public types are listed as types of their own
            .OrderBy(m => m.ToString(), StringComparer.Ordinal);

    static string Kind(Type t) =>
        t.IsEnum ? "enum" : t.IsInterface ? "interface" : t.IsValueType ? "struct" : t.GetMethod("<Clone>$") is not null ? "record" : "class";

    static string Bases(Type t)
    {
        var bases = new List<string>();
        if (t.BaseType is { } b && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum)) bases.Add(b.FullName!);
        bases.AddRange(t.GetInterfaces().Where(i => !i.Name.StartsWith("IEquatable")).Select(i => i.ToString()).Order(StringComparer.Ordinal));
        return bases.Count == 0 ? "" : " : " + string.Join(", ", bases);
    }

    static string? Summary(XElement doc) => doc.Element("summary")?.Value.Trim() is { Length: > 0 } s ? s : null;

    /// <summary>The member's ID in the compiler's XML documentation file ("M:Bottleneck.AutoencoderModel.Fit(System.Single[][],...)").</summary>
    static string DocId(MemberInfo member) => member switch
    {
        ConstructorInfo c => $"M:{DocName(c.DeclaringType!)}.#ctor{Parameters(c)}",
        MethodInfo m => $"M:{DocName(m.DeclaringType!)}.{m.Name}{Parameters(m)}",
        PropertyInfo p => $"P:{DocName(p.DeclaringType!)}.{p.Name}",
        FieldInfo f => $"F:{DocName(f.DeclaringType!)}.{f.Name}",
        EventInfo e => $"E:{DocName(e.DeclaringType!)}.{e.Name}",
        _ => throw new ArgumentException(member.ToString()),
    };

    static string Parameters(MethodBase method) =>
        method.GetParameters() is { Length: > 0 } ps ? "(" + string.Join(",", ps.Select(p => DocName(p.ParameterType))) + ")" : "";

    static string DocName(Type t)
    {
        if (t.IsByRef) return DocName(t.GetElementType()!) + "@";
        if (t.IsArray) return DocName(t.GetElementType()!) + "[" + new string(',', t.GetArrayRank() - 1) + "]";
        if (t.IsGenericParameter) return (t.DeclaringMethod is null ? "`" : "``") + t.GenericParameterPosition;
        var name = t.IsNested ? DocName(t.DeclaringType!) + "." + t.Name : t.Namespace + "." + t.Name;
        if (!t.IsGenericType) return name;
        return name[..name.IndexOf('`')] + "{" + string.Join(",", t.GetGenericArguments().Select(DocName)) + "}";
    }
}
