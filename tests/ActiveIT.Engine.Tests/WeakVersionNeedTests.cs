using ActiveIT.Build;

namespace ActiveIT.Engine.Tests;

/// <summary>
/// The build step that lets TorchSharp's native library load on Debian 12 (engine/build/WeakVersionNeed.cs): only the
/// one version need changes, only in the copy it is given, and a second run changes nothing.
/// </summary>
public sealed class WeakVersionNeedTests
{
    private const string Version = "GLIBCXX_3.4.32";

    private static string CachedLibrary()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
    }

    private static string OutputLibrary() => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    [Fact]
    public void Apply_MarksOnlyThatNeedWeak_AndIsIdempotent()
    {
        using var dir = new TempDirectory();
        var original = File.ReadAllBytes(CachedLibrary());
        var copy = dir.File("libLibTorchSharp.so");
        File.WriteAllBytes(copy, original);
        var entry = WeakVersionNeed.FindVersionNeed(original, Version, copy);
        Assert.True(entry > 0, "the shipped library needs GLIBCXX_3.4.32");

        Assert.Equal(WeakVersionNeedResult.Patched, WeakVersionNeed.Apply(copy, Version));
        var patched = File.ReadAllBytes(copy);
        var changed = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToArray();
        Assert.Equal([entry + 4], changed);  // the low byte of vna_flags
        Assert.Equal(2, patched[entry + 4] & 2);  // VER_FLG_WEAK

        Assert.Equal(WeakVersionNeedResult.AlreadyWeak, WeakVersionNeed.Apply(copy, Version));
        Assert.Equal(patched, File.ReadAllBytes(copy));
        Assert.Equal(original, File.ReadAllBytes(CachedLibrary()));  // the NuGet cache is never written
    }

    [Fact]
    public void BuildOutput_IsPatchedExactlyWhenTheSystemLacksTheVersion()
    {
        var system = new[] { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/lib64" }
            .Select(d => Path.Combine(d, "libstdc++.so.6")).First(File.Exists);
        var output = File.ReadAllBytes(OutputLibrary());
        var entry = WeakVersionNeed.FindVersionNeed(output, Version, OutputLibrary());
        Assert.True(entry > 0, "the output's library still names the version");
        var weak = (output[entry + 4] & 2) != 0;
        Assert.Equal(!WeakVersionNeed.Defines(system, Version), weak);
        Assert.NotNull(EngineRuntime.Info.TorchVersion);  // and libtorch loaded from that copy
    }

    [Fact]
    public void OtherFiles_AreLeftAloneOrRefused()
    {
        using var dir = new TempDirectory();
        Assert.Equal(WeakVersionNeedResult.NotNeeded, WeakVersionNeed.Apply(CopyOf("/bin/sh", dir), Version));  // an ELF without that need
        File.WriteAllText(dir.File("text.so"), "not an ELF file at all, but long enough to hold an ELF header......");
        Assert.Contains("not an ELF file", Assert.Throws<InvalidDataException>(() => WeakVersionNeed.Apply(dir.File("text.so"), Version)).Message);
    }

    private static string CopyOf(string path, TempDirectory dir)
    {
        var target = dir.File(Path.GetFileName(path));
        File.Copy(Path.GetFullPath(path), target);
        return target;
    }
}
