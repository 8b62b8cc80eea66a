using System.CommandLine;
using ActiveIT.Client.Output;
using ActiveIT.Client.Pools;
using ActiveIT.Client.Transfer;
using ActiveIT.Grains.Transfer;

namespace ActiveIT.Client.Commands;

/// <summary>`activeit transfer status|show TASK|export`: reads of a run (named by its output pool), on the local silo or a silo.</summary>
internal sealed class TransferReadCommand : Command
{
    private readonly PoolConnection _connection = new();
    private readonly Option<string> _outPool = new("--out-pool") { Description = "The run's output pool", Required = true };
    private readonly Argument<string>? _task;
    private readonly Option<string?> _out = new("--out") { Description = "export: write to this file instead of stdout" };

    public TransferReadCommand(string name, string description) : base(name, description)
    {
        Options.Add(_outPool);
        _connection.AddTo(this);
        if (name == "show")
        {
            _task = new Argument<string>("task") { Description = "Task id" };
            Arguments.Add(_task);
        }
        if (name == "export")
        {
            Options.Add(_out);
        }
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var outPool = parse.GetValue(_outPool)!;
        var json = parse.GetValue(_connection.Json);
        try
        {
            HttpClient? http = SiloHttp.Url(parse.GetValue(_connection.Silo)) is { } silo ? SiloHttp.CreateClient(silo) : null;
            using var _ = http;
            await using var local = http is null ? await _connection.ConnectAsync(parse) : null;
            switch (Name)
            {
                case "status":
                    TransferReport.Print(http is null ? await TransferQueries.RunAsync(local!.Grains, outPool) : await RemoteTransfers.GetAsync(http, outPool, cancellationToken), json);
                    break;
                case "show":
                    var task = parse.GetValue(_task!)!;
                    TransferReport.PrintTask(http is null ? await TransferQueries.TaskAsync(local!.Grains, outPool, task)
                        : await RemoteTransfers.TaskAsync(http, outPool, task, cancellationToken), json);
                    break;
                default:
                    var views = new List<TransferTaskView>();
                    if (http is null)
                    {
                        await foreach (var view in TransferQueries.AllAsync(local!.Grains, outPool))
                        {
                            views.Add(view);
                        }
                    }
                    else
                    {
                        views.AddRange(await RemoteTransfers.AllAsync(http, outPool, cancellationToken));
                    }
                    var lines = views.Select(Json.Line);
                    if (parse.GetValue(_out) is { } file)
                    {
                        await File.WriteAllLinesAsync(file, lines, cancellationToken);
                        Console.WriteLine($"wrote {views.Count} tasks' transfers to {file}");
                    }
                    else
                    {
                        foreach (var line in lines)
                        {
                            Console.WriteLine(line);
                        }
                    }
                    break;
            }
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is ArgumentException or KeyNotFoundException)
        {
            Console.Error.WriteLine($"activeit transfer {Name}: {e.Message}");
            return ExitCodes.InvalidInput;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or InvalidOperationException)
        {
            Console.Error.WriteLine($"activeit transfer {Name}: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
