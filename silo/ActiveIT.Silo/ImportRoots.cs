namespace ActiveIT.Silo;

/// <summary>Where import-path may read: real paths (every symlink along the way followed, ".." removed) below a root.</summary>
public static class ImportRoots
{
    public static bool Contains(IReadOnlyList<string> realRoots, string path)
    {
        var real = RealPath(path);
        return realRoots.Any(root => real == root || real.StartsWith(root.EndsWith('/') ? root : root + "/", StringComparison.Ordinal));
    }

    /// <summary>The path with ".." resolved and each existing component's symlink followed to its final target; the
    /// part that does not exist is kept as written (normalised).</summary>
    public static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var parts = full.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = "/";
        for (var i = 0; i < parts.Length; i++)
        {
            var next = Path.Combine(current, parts[i]);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (!info.Exists)
            {
                return Path.GetFullPath(Path.Combine([next, .. parts[(i + 1)..]]));
            }
            if (info.LinkTarget is not null)
            {
                // The final target may itself sit below links: resolve it again, with the rest of the path appended.
                var target = Path.GetFullPath(info.ResolveLinkTarget(returnFinalTarget: true)!.FullName);
                return RealPath(Path.Combine([target, .. parts[(i + 1)..]]));
            }
            current = next;
        }
        return current;
    }
}
