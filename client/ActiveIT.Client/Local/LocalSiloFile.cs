using System.Text.Json;

namespace ActiveIT.Client.Local;

/// <summary>
/// DATA/silo.json: how a data directory's local silo is reached (its gateway port and cluster id), written by that
/// silo once it serves and removed when it stops; removing it asks the silo to stop.
/// </summary>
internal sealed record LocalSiloFile(int Pid, int GatewayPort, string ClusterId, string Version, DateTimeOffset StartedAt)
{
    public static string PathIn(string dataDir) => Path.Combine(dataDir, "silo.json");

    public static LocalSiloFile? Read(string dataDir)
    {
        try
        {
            return JsonSerializer.Deserialize<LocalSiloFile>(File.ReadAllText(PathIn(dataDir)));
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;  // none, or half-written: the silo writes it by rename, so this is a silo gone mid-write
        }
    }

    /// <summary>Written whole or not at all (a temporary file renamed over it).</summary>
    public void Write(string dataDir)
    {
        var temp = PathIn(dataDir) + $".{Pid}.tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this));
        File.Move(temp, PathIn(dataDir), overwrite: true);
    }
}
