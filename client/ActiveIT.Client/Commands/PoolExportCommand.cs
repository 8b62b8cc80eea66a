using System.CommandLine;
using ActiveIT.Client.Pools;
using ActiveIT.Core.Formats;

namespace ActiveIT.Client.Commands;

/// <summary>
/// `activeit pool export`: one version of a pool in NIV2 (a folder, one file per task), Alpaca (one JSONL file) or
/// CrossFit (a folder of TSVs). Written under a temporary name and moved into place only when every task the version
/// holds has come; a cut export leaves nothing behind and says how far it got.
/// </summary>
internal sealed class PoolExportCommand : Command
{
    private readonly Option<string> _format = new("--format") { Description = "niv2, alpaca or crossfit", DefaultValueFactory = _ => "niv2" };
    private readonly Option<string> _out = new("--out") { Description = "Output folder (niv2, crossfit) or file (alpaca)", Required = true };
    private readonly PoolConnection _connection = new();

    public PoolExportCommand() : base("export", "Write one version of a pool's tasks in NIV2, Alpaca or CrossFit format")
    {
        _format.AcceptOnlyFromAmong("niv2", "alpaca", "crossfit");
        Options.Add(_format);
        Options.Add(_out);
        _connection.AddTo(this);
        _connection.AddVersionTo(this);
        SetAction(RunAsync);
    }

    private Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken) => _connection.RunAsync(parse, async service =>
    {
        var format = parse.GetValue(_format)!;
        var output = Path.GetFullPath(parse.GetValue(_out)!);
        var export = await service.ExportAsync(parse.GetValue(_connection.Pool)!, parse.GetValue(_connection.Version), cancellationToken);
        var temporary = output + ".part";
        Delete(temporary);
        var count = 0;
        try
        {
            if (format == "alpaca")
            {
                Directory.CreateDirectory(Path.GetDirectoryName(output)!);
                await using (var file = File.Create(temporary))
                {
                    await foreach (var task in export.Tasks.WithCancellation(cancellationToken))
                    {
                        AlpacaWriter.Write([task], file);
                        count++;
                    }
                }
                File.Move(temporary, output, overwrite: true);
            }
            else
            {
                Directory.CreateDirectory(temporary);
                await foreach (var task in export.Tasks.WithCancellation(cancellationToken))
                {
                    if (format == "niv2")
                    {
                        await using var file = File.Create(Path.Combine(temporary, task.Id + ".json"));
                        Niv2Writer.Write(task, file);
                    }
                    else
                    {
                        await using var writer = new StreamWriter(Path.Combine(temporary, task.Id + ".tsv"));
                        CrossFitTsv.Write(task, writer);
                    }
                    count++;
                }
                // Complete: the files join the output folder (tasks of other exports already there stay).
                Directory.CreateDirectory(output);
                foreach (var file in Directory.GetFiles(temporary))
                {
                    File.Move(file, Path.Combine(output, Path.GetFileName(file)), overwrite: true);
                }
                Directory.Delete(temporary);
            }
        }
        catch
        {
            Delete(temporary);
            throw;
        }
        Console.WriteLine($"wrote {count} tasks of pool {export.Pool} at version {export.Version} to {output} ({format})");
        return ExitCodes.Success;
    });

    private static void Delete(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
        else if (File.Exists(path))
        {
            File.Delete(path);
        }
    }
}
