using ActiveIT.Grains.Curriculum;
using ActiveIT.Grains.Hosting;
using ActiveIT.Grains.Persistence;
using ActiveIT.Grains.Pools;

namespace ActiveIT.Client.Pools;

/// <summary>Embedded mode: the grain host in this process over SQLite in a data directory, with every grain the silo hosts.</summary>
internal static class EmbeddedHost
{
    /// <summary>--data-dir, else $ACTIVEIT_DATA, else ~/.activeit.</summary>
    public static string DataDir(string? option) => option ?? Environment.GetEnvironmentVariable("ACTIVEIT_DATA")
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".activeit");

    public static GrainHost Open(string? dataDirOption)
    {
        var dir = Directory.CreateDirectory(DataDir(dataDirOption)).FullName;
        return new GrainHost(new SqliteGrainStorage(Path.Combine(dir, "activeit.db"))).AddPoolGrains().AddCurriculumGrains();
    }
}
