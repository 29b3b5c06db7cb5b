using Bottleneck.IO;
using Xunit;

namespace Bottleneck.Tests.IO;

/// <summary>An output that cannot be written is refused up front, naming the option and the reason, and nothing is created.</summary>
public class OutputPathTests
{
    [Fact]
    public void Writable_files_and_folders_pass_without_leaving_anything()
    {
        using var folder = new TempFolder();
        OutputPath.CheckFile(folder["codes.npy"]);
        OutputPath.CheckFile(folder["new/deeper/codes.npy"]);
        OutputPath.CheckFolder(folder["run"]);
        OutputPath.CheckFolder(folder.Path);
        Assert.Empty(Directory.GetFileSystemEntries(folder.Path));
    }

    [Theory]
    [InlineData("file", "output: FILE is a file, expected a folder")]
    [InlineData("file/run", "output: FILE/run cannot be written: FILE is a file, not a folder")]
    [InlineData("file/a/b", "output: FILE/a/b cannot be written: FILE is a file, not a folder")]
    [InlineData("", "output: empty, expected a folder name")]
    [InlineData(" ", "output: empty, expected a folder name")]
    [InlineData("/proc/bottleneck-run", "output: /proc/bottleneck-run cannot be written: /proc does not take new files")]
    public void Unwritable_folders_are_refused(string path, string expected)
    {
        using var folder = new TempFolder();
        var file = folder.Write("file", "x");
        var e = Assert.Throws<OptionException>(() => OutputPath.CheckFolder(path.Replace("file", file)));
        Assert.StartsWith(expected.Replace("FILE", file), e.Message);
        Assert.Equal([file], Directory.GetFileSystemEntries(folder.Path));
    }

    [Theory]
    [InlineData("folder", "png: FOLDER is a folder, expected a file name")]
    [InlineData("file/x.png", "png: FILE/x.png cannot be written: FILE is a file, not a folder")]
    [InlineData("", "png: empty, expected a file name")]
    [InlineData("/proc/x.png", "png: /proc/x.png cannot be written: /proc does not take new files")]
    public void Unwritable_files_are_refused(string path, string expected)
    {
        using var folder = new TempFolder();
        var file = folder.Write("file", "x");
        var directory = Directory.CreateDirectory(folder["folder"]).FullName;
        var e = Assert.Throws<OptionException>(() => OutputPath.CheckFile(path.Replace("folder", directory).Replace("file", file), "png"));
        Assert.StartsWith(expected.Replace("FOLDER", directory).Replace("FILE", file), e.Message);
        Assert.Equal([file, directory], Directory.GetFileSystemEntries(folder.Path).Order());
    }

    [Fact]
    public void A_read_only_folder_is_refused_for_users_the_permissions_bind()
    {
        // root writes into read-only folders (the /proc cases cover a folder nobody can write); Unix file modes are Linux/macOS only.
        if (Environment.UserName == "root" || !(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())) return;
        using var folder = new TempFolder();
        var locked = Directory.CreateDirectory(folder["locked"]).FullName;
        File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            var e = Assert.Throws<BadInputException>(() => OutputPath.CheckFile(Path.Combine(locked, "codes.npy")));
            Assert.Contains($"{locked} does not take new files", e.Message);
        }
        finally { File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute); }
    }
}
