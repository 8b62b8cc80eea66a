using System.CommandLine;
using System.Text.Json;
using ActiveIT.Client.Experiments;
using ActiveIT.Client.Output;

namespace ActiveIT.Client.Commands;

/// <summary>`activeit experiment results NAME`: every round of every seed; --csv and --json-out export them with the full config and versions.</summary>
internal sealed class ExperimentResultsCommand : Command
{
    private readonly Argument<string> _name = new("name") { Description = "Experiment name" };
    private readonly Option<string?> _csv = new("--csv") { Description = "Write one CSV row per seed and round (config and versions included) to this file" };
    private readonly Option<string?> _jsonOut = new("--json-out") { Description = "Write the whole record (config, rounds, selections, sessions with versions) to this file" };
    private readonly ExperimentConnection _connection = new();

    public ExperimentResultsCommand() : base("results", "Show an experiment's rounds and learning curve; export CSV/JSON")
    {
        Arguments.Add(_name);
        Options.Add(_csv);
        Options.Add(_jsonOut);
        _connection.AddTo(this);
        SetAction(RunAsync);
    }

    private Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken) => _connection.RunAsync(parse, async (service, _) =>
    {
        var name = parse.GetValue(_name)!;
        var experiment = await service.GetAsync(name, cancellationToken) ?? throw new KeyNotFoundException($"no experiment '{name}'");
        if (parse.GetValue(_csv) is { } csv)
        {
            await File.WriteAllTextAsync(csv, ExperimentReport.Csv([experiment]), cancellationToken);
        }
        if (parse.GetValue(_jsonOut) is { } jsonOut)
        {
            await File.WriteAllTextAsync(jsonOut, JsonSerializer.Serialize(experiment, Json.Indented), cancellationToken);
        }
        if (parse.GetValue(_connection.Json))
        {
            Console.WriteLine(JsonSerializer.Serialize(experiment, Json.Options));
            return ExitCodes.Success;
        }
        var session = experiment.Sessions.LastOrDefault();
        Console.WriteLine($"{experiment.Name}: {experiment.Status.ToString().ToLowerInvariant()}; pool {experiment.Config.Pool}, strategy {experiment.Config.Strategy}; " +
                          $"code {session?.CodeVersion ?? "-"}, libtorch {session?.TorchVersion ?? "-"}, {session?.Device ?? "-"} × {session?.Threads ?? 0} threads, {session?.Precision ?? "-"}\n");
        Console.WriteLine(ExperimentReport.Rounds(experiment));
        Console.WriteLine();
        Console.WriteLine(ExperimentReport.Compare([experiment]));
        return ExitCodes.Success;
    });
}
