namespace ActiveIT.Tests;

/// <summary>
/// Removing a test's temporary directory while a local silo the CLI started there may still be stopping: removing its
/// silo.json tells it to stop, and it writes its last log lines as it goes, so the directory is retried until it is gone.
/// </summary>
internal static class Scratch
{
    public static void Delete(string path)
    {
        if (!Directory.Exists(path))
        {
            return;
        }
        foreach (var signal in Directory.GetFiles(path, "silo.json", SearchOption.AllDirectories))
        {
            File.Delete(signal);
        }
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Directory.Delete(path, recursive: true);
                return;
            }
            catch (IOException) when (attempt < 40)
            {
                Thread.Sleep(250);  // a stopping silo still writing: at most 10 s
            }
        }
    }
}
