using ActiveIT.Grains.Runs;
using System.CommandLine;
using System.Text.Json;
using ActiveIT.Client.Experiments;
using ActiveIT.Client.Output;

namespace ActiveIT.Client.Commands;

/// <summary>`activeit experiment status [NAME]`: every experiment (status, rounds done, latest result, progress), or one in detail.</summary>
internal sealed class ExperimentStatusCommand : Command
{
    private readonly Argument<string?> _name = new("name") { Description = "Experiment name (default: list all)", Arity = ArgumentArity.ZeroOrOne };
    private readonly ExperimentConnection _connection = new();

    public ExperimentStatusCommand() : base("status", "List experiments, or show one: status, progress and its rounds so far")
    {
        Arguments.Add(_name);
        _connection.AddTo(this);
        SetAction(RunAsync);
    }

    private Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken) => _connection.RunAsync(parse, async (service, _) =>
    {
        var json = parse.GetValue(_connection.Json);
        if (parse.GetValue(_name) is not { } name)
        {
            var all = await service.ListAsync(cancellationToken);
            Console.WriteLine(json ? JsonSerializer.Serialize(all, Json.Options) : all.Count == 0 ? "no experiments" : ExperimentReport.List(all).ToString());
            return ExitCodes.Success;
        }
        var experiment = await service.GetAsync(name, cancellationToken) ?? throw new KeyNotFoundException($"no experiment '{name}'");
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(experiment, Json.Options));
            return ExitCodes.Success;
        }
        var (done, total) = experiment.CompletedRounds;
        Console.WriteLine($"{experiment.Name}: {experiment.Status.ToString().ToLowerInvariant()}, {done}/{total} rounds evaluated, " +
                          $"pool {experiment.Config.Pool}, strategy {experiment.Config.Strategy}, seeds {string.Join(",", experiment.Config.Seeds)}");
        if (experiment.Progress is { } p && experiment.Status == Grains.Runs.RunStatus.Running)
        {
            Console.WriteLine($"now: {ExperimentReport.Progress(p)} (at {p.At:u})");
        }
        if (experiment.Error is { } error)
        {
            Console.WriteLine($"error: {error}");
        }
        if (experiment.Runs.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine(ExperimentReport.Rounds(experiment));
        }
        return ExitCodes.Success;
    });
}
