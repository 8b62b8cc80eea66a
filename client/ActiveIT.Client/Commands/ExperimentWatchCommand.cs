using System.CommandLine;
using ActiveIT.Client.Experiments;

namespace ActiveIT.Client.Commands;

/// <summary>`activeit experiment watch NAME`: follows a running or queued experiment (from any process, or on a silo) until it stops.</summary>
internal sealed class ExperimentWatchCommand : Command
{
    private readonly Argument<string> _name = new("name") { Description = "Experiment name" };
    private readonly Option<bool> _all = new("--all") { Description = "Print the rounds finished before watching began too" };
    private readonly ExperimentConnection _connection = new();

    public ExperimentWatchCommand() : base("watch", "Follow an experiment: a line per finished round, progress per step, until it stops")
    {
        Arguments.Add(_name);
        Options.Add(_all);
        _connection.AddTo(this);
        SetAction(RunAsync);
    }

    private Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken) => _connection.RunAsync(parse, async (service, _) =>
    {
        var name = parse.GetValue(_name)!;
        var watcher = new ExperimentWatcher(service, parse.GetValue(_connection.Json));
        if (!parse.GetValue(_all) && await service.GetAsync(name, cancellationToken) is { } current)
        {
            watcher.MarkPrinted(current);
        }
        try
        {
            return ExperimentStartCommand.Outcome(await watcher.WatchAsync(name, cancellationToken: cancellationToken));
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Cancelled;  // Ctrl+C stops watching, not the experiment
        }
    });
}
