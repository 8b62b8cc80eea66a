using System.CommandLine;
using System.Text.Json;
using ActiveIT.Client.Experiments;
using ActiveIT.Client.Output;

namespace ActiveIT.Client.Commands;

/// <summary>`activeit experiment create NAME --pool P --strategy S …`: validates and stores an experiment (nothing runs yet).</summary>
internal sealed class ExperimentCreateCommand : Command
{
    private readonly Argument<string> _name = new("name") { Description = "Experiment name" };
    private readonly ExperimentOptions _options = new();
    private readonly ExperimentConnection _connection = new();

    public ExperimentCreateCommand() : base("create", "Create an experiment: pool, held-out tasks, strategy, rounds, model, training, seeds (validated now)")
    {
        Arguments.Add(_name);
        _options.AddTo(this);
        _connection.AddTo(this);
        SetAction(RunAsync);
    }

    private Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken) => _connection.RunAsync(parse, async (service, _) =>
    {
        var experiment = await service.CreateAsync(_options.Build(parse, parse.GetValue(_name)!), cancellationToken: cancellationToken);
        if (parse.GetValue(_connection.Json))
        {
            Console.WriteLine(JsonSerializer.Serialize(experiment, Json.Options));
            return ExitCodes.Success;
        }
        var c = experiment.Config;
        Console.WriteLine($"created experiment '{c.Name}': pool {c.Pool}, strategy {c.Strategy}{(c.ClassBalance ? " (class-balanced)" : "")}, " +
                          $"{(c.InitialTaskIds.Count > 0 ? c.InitialTaskIds.Count : c.InitialTasks)} initial tasks + {c.Rounds} rounds × {c.TasksPerRound}, " +
                          $"{c.InstancesPerTask} instances per task, seeds {string.Join(",", c.Seeds)}");
        Console.WriteLine($"held out: {(c.Evaluation.TaskIds.Count > 0 ? c.Evaluation.TaskIds.Count : c.Evaluation.Tasks)} tasks from pool {c.Evaluation.Pool ?? c.Pool} " +
                          $"× {c.Evaluation.InstancesPerTask} instances; model {c.Model.Layers} layers / {c.Model.Heads} heads / d {c.Model.DModel} / context {c.Model.Context}; " +
                          $"{c.Training.Epochs} epochs, batch {c.Training.BatchSize}, lr {c.Training.LearningRate}");
        foreach (var deviation in c.ScaleDeviations)
        {
            Console.WriteLine($"scale deviation: {deviation}");
        }
        Console.WriteLine($"run it: activeit experiment start {c.Name}");
        return ExitCodes.Success;
    });
}
