using System.CommandLine;
using ActiveIT.Client.Experiments;

namespace ActiveIT.Client.Commands;

/// <summary>`activeit experiment cancel NAME`: its runner stops at its next progress report; `start` resumes later.</summary>
internal sealed class ExperimentCancelCommand : Command
{
    private readonly Argument<string> _name = new("name") { Description = "Experiment name" };
    private readonly ExperimentConnection _connection = new();

    public ExperimentCancelCommand() : base("cancel", "Cancel an experiment (finished steps are kept; start resumes it)")
    {
        Arguments.Add(_name);
        _connection.AddTo(this);
        SetAction(RunAsync);
    }

    private Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken) => _connection.RunAsync(parse, async (service, _) =>
    {
        var experiment = await service.CancelAsync(parse.GetValue(_name)!, cancellationToken);
        Console.WriteLine($"experiment '{experiment.Name}': {experiment.Status.ToString().ToLowerInvariant()}");
        return ExitCodes.Success;
    });
}

/// <summary>`activeit experiment delete NAME`: removes the record and its checkpoints (cancel a running one first).</summary>
internal sealed class ExperimentDeleteCommand : Command
{
    private readonly Argument<string> _name = new("name") { Description = "Experiment name" };
    private readonly ExperimentConnection _connection = new();

    public ExperimentDeleteCommand() : base("delete", "Delete an experiment and its checkpoints")
    {
        Arguments.Add(_name);
        _connection.AddTo(this);
        SetAction(RunAsync);
    }

    private Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken) => _connection.RunAsync(parse, async (service, _) =>
    {
        var name = parse.GetValue(_name)!;
        if (!await service.DeleteAsync(name, cancellationToken))
        {
            Console.Error.WriteLine($"activeit experiment delete: no experiment '{name}'");
            return ExitCodes.InvalidInput;
        }
        Console.WriteLine($"deleted experiment '{name}'");
        return ExitCodes.Success;
    });
}
