namespace Bottleneck.Bench;

/// <summary>Resident memory of this process, from /proc/self/status (Linux).</summary>
internal static class ResidentMemory
{
    /// <summary>Peak resident set size so far (VmHWM), in MB.</summary>
    public static double PeakMegabytes() => Read("VmHWM:");

    /// <summary>Current resident set size (VmRSS), in MB.</summary>
    public static double CurrentMegabytes() => Read("VmRSS:");

    static double Read(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(field))
                return double.Parse(line[field.Length..].Trim().Split(' ')[0]) / 1024.0;
        return double.NaN;
    }
}
