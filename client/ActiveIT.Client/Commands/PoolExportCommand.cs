using System.CommandLine;
using ActiveIT.Client.Pools;
using ActiveIT.Core.Formats;

namespace ActiveIT.Client.Commands;

/// <summary>`activeit pool export`: NIV2 (a folder, one file per task), Alpaca (one JSONL file) or CrossFit (a folder of TSVs).</summary>
internal sealed class PoolExportCommand : Command
{
    private readonly Option<string> _format = new("--format") { Description = "niv2, alpaca or crossfit", DefaultValueFactory = _ => "niv2" };
    private readonly Option<string> _out = new("--out") { Description = "Output folder (niv2, crossfit) or file (alpaca)", Required = true };
    private readonly PoolConnection _connection = new();

    public PoolExportCommand() : base("export", "Write a pool's tasks in NIV2, Alpaca or CrossFit format")
    {
        _format.AcceptOnlyFromAmong("niv2", "alpaca", "crossfit");
        Options.Add(_format);
        Options.Add(_out);
        _connection.AddTo(this);
        SetAction(RunAsync);
    }

    private Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken) => _connection.RunAsync(parse, async service =>
    {
        var format = parse.GetValue(_format)!;
        var output = parse.GetValue(_out)!;
        var count = 0;
        if (format == "alpaca")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            await using var file = File.Create(output);
            await foreach (var task in service.ExportAsync(parse.GetValue(_connection.Pool)!, cancellationToken))
            {
                AlpacaWriter.Write([task], file);
                count++;
            }
        }
        else
        {
            Directory.CreateDirectory(output);
            await foreach (var task in service.ExportAsync(parse.GetValue(_connection.Pool)!, cancellationToken))
            {
                if (format == "niv2")
                {
                    await using var file = File.Create(Path.Combine(output, task.Id + ".json"));
                    Niv2Writer.Write(task, file);
                }
                else
                {
                    await using var writer = new StreamWriter(Path.Combine(output, task.Id + ".tsv"));
                    CrossFitTsv.Write(task, writer);
                }
                count++;
            }
        }
        Console.WriteLine($"wrote {count} tasks to {output} ({format})");
        return ExitCodes.Success;
    });
}
