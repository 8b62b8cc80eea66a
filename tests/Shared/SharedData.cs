namespace ActiveIT.Testing;

/// <summary>../shared/data beside the checkout (see its README); tests that need it fail with this message when it is absent.</summary>
public static class SharedData
{
    public static string Root { get; } = Find();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "ActiveIT.sln")))
            {
                var data = System.IO.Path.GetFullPath(System.IO.Path.Combine(dir.FullName, "..", "shared", "data"));
                return Directory.Exists(data) ? data : throw new DirectoryNotFoundException($"shared data not found at {data}: clone the project next to ../shared");
            }
        }
        throw new DirectoryNotFoundException("ActiveIT.sln not found above the test binaries");
    }
}
