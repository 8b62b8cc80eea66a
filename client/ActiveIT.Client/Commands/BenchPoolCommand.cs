using System.CommandLine;
using System.Text.Json;
using ActiveIT.Client.Bench;
using ActiveIT.Client.Output;
using ActiveIT.Runs;
using ActiveIT.Grains.Storage;

namespace ActiveIT.Client.Commands;

/// <summary>`activeit bench pool`: NIV2 import throughput and the cost of an incremental add to a large pool.</summary>
internal sealed class BenchPoolCommand : Command
{
    private readonly Option<string> _storage = new("--storage")
    {
        Description = "sqlite (a temporary file), postgres or azure (both with --connection)", DefaultValueFactory = _ => "sqlite",
    };

    private readonly Option<string?> _connection = new("--connection")
    {
        Description = "PostgreSQL or Azure Storage connection string (infra/postgres.sh start PORT, infra/azurite.sh start print one)",
    };
    private readonly Option<string> _niv2 = new("--niv2") { Description = "Folder of NIV2 task files", DefaultValueFactory = _ => "../shared/data/niv2/tasks" };
    private readonly Option<int> _poolSize = new("--pool-size") { Description = "Tasks in the large pool", DefaultValueFactory = _ => 10_000 };
    private readonly Option<bool> _json = new("--json") { Description = "One JSON object instead of a table" };

    public BenchPoolCommand() : base("pool", "Pool import throughput (instances/s) and the cost of adding 10 tasks to a large pool")
    {
        _storage.AcceptOnlyFromAmong("sqlite", "postgres", "azure");
        foreach (var option in new Option[] { _storage, _connection, _niv2, _poolSize, _json })
        {
            Options.Add(option);
        }
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var storageName = parse.GetValue(_storage)!;
        var dir = Directory.CreateTempSubdirectory("activeit-bench-pool-").FullName;
        try
        {
            var storage = storageName == "sqlite"
                ? SiloStorage.Sqlite(Path.Combine(dir, "bench.db"))
                : new SiloStorage(storageName, parse.GetValue(_connection) ?? throw new ArgumentException($"--connection is required for {storageName}"));
            var line = new ProgressLine();
            var r = await PoolBenchmark.RunAsync(storage, parse.GetValue(_niv2)!, parse.GetValue(_poolSize), new Progress<string>(s => line.Update(s)), cancellationToken);
            line.Clear();
            if (parse.GetValue(_json))
            {
                var node = JsonSerializer.SerializeToNode(r, Json.Options)!.AsObject();
                node["code_version"] = RunEnvironment.Version;
                Console.WriteLine(node.ToJsonString());
                return ExitCodes.Success;
            }
            Console.WriteLine($"pool benchmark — {storageName}, code {RunEnvironment.Version}, {Environment.ProcessorCount} cores");
            var table = new TextTable("storage", "NIV2 tasks", "instances", "import s", "instances/s", "tasks/s", "pool size", "build s", "add 10: median ms", "min", "max",
                "score writes/s", "score reads/s", "list head ms", "list version ms");
            table.Add(r.Storage, r.Niv2Tasks, r.Niv2Instances, r.ImportSeconds, r.InstancesPerS, r.TasksPerS, r.PoolSize, r.BuildPoolSeconds, r.AddTenMedianMs, r.AddTenMinMs, r.AddTenMaxMs,
                r.ScoreWritesPerS, r.ScoreReadsPerS, r.ListHeadMs, r.ListVersionMs);
            table.FitToRows();
            Console.WriteLine(table);
            return ExitCodes.Success;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }
}
