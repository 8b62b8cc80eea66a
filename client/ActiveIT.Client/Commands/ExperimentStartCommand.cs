using ActiveIT.Grains.Runs;
using System.CommandLine;
using ActiveIT.Client.Experiments;
using ActiveIT.Grains.Curriculum;

namespace ActiveIT.Client.Commands;

/// <summary>
/// `activeit experiment start NAME`: locally, runs (or resumes) it in this process on the local silo's grains with progress, Ctrl+C pauses; with --silo,
/// queues it for the silo's worker (--watch follows it).
/// </summary>
internal sealed class ExperimentStartCommand : Command
{
    private readonly Argument<string> _name = new("name") { Description = "Experiment name" };
    private readonly Option<bool> _watch = new("--watch") { Description = "With --silo: follow the run until it stops" };
    private readonly ExperimentConnection _connection = new();
    private readonly EngineOptions _engine = new();

    public ExperimentStartCommand() : base("start", "Run or resume an experiment (locally: in this process; --silo: in the silo's background worker)")
    {
        Arguments.Add(_name);
        Options.Add(_watch);
        _connection.AddTo(this);
        _engine.AddTo(this);
        SetAction(RunAsync);
    }

    private Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken) => _connection.RunAsync(parse, async (service, silo) =>
    {
        var name = parse.GetValue(_name)!;
        var json = parse.GetValue(_connection.Json);
        var experiment = await service.StartAsync(name, cancellationToken);
        if (experiment.Status == RunStatus.Completed)
        {
            Console.Error.WriteLine($"experiment '{name}' is complete; `activeit experiment results {name}` shows it");
            return ExitCodes.Success;
        }
        var watcher = new ExperimentWatcher(service, json);
        if (silo is null)
        {
            Console.Error.WriteLine($"experiment '{name}' queued on the silo");
            return parse.GetValue(_watch) ? Outcome(await watcher.WatchAsync(name, cancellationToken: cancellationToken)) : ExitCodes.Success;
        }
        var done = await ForegroundRun.RunAsync(service, silo.Grains, _connection.ExperimentsDir(parse), _engine.Apply(parse), name, watcher, cancellationToken);
        if (done is null)
        {
            var status = (await service.GetAsync(name, CancellationToken.None))?.Status;
            return status == RunStatus.Failed ? ExitCodes.Failure : ExitCodes.Cancelled;
        }
        if (!json)
        {
            Console.WriteLine();
            Console.WriteLine(ExperimentReport.Compare([done]));
        }
        return ExitCodes.Success;
    });

    internal static int Outcome(Experiment experiment)
    {
        Console.Error.WriteLine($"experiment '{experiment.Name}': {experiment.Status.ToString().ToLowerInvariant()}{(experiment.Error is null ? "" : $": {experiment.Error}")}");
        return experiment.Status switch
        {
            RunStatus.Completed => ExitCodes.Success,
            RunStatus.Failed => ExitCodes.Failure,
            _ => ExitCodes.Cancelled,
        };
    }
}
