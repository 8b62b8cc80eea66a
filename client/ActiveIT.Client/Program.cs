using ActiveIT.Client.Commands;

// activeit: the ActiveIT command line. Each command is one class under Commands/.
var root = new System.CommandLine.RootCommand("ActiveIT: choose, prepare and study instruction-tuning tasks.")
{
    new DiversityCommand(),
    new DemoCommand(),
    new PretrainCommand(),
    new PoolCommand(),
    new EvalCommand(),
    new ScoreCommand(),
    new MapCommand(),
    new ExperimentCommand(),
    new TransferCommand(),
    new BenchCommand(),
    new KeysCommand(),
    new LocalCommand(),
};
return await root.Parse(args).InvokeAsync();
