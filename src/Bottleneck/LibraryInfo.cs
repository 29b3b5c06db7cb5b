using System.Reflection;

namespace Bottleneck;

/// <summary>Facts about this build of the library, recorded in every saved model.</summary>
internal static class LibraryInfo
{
    /// <summary>The library's informational version ("0.1.0").</summary>
    public static string Version { get; } =
        typeof(LibraryInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
