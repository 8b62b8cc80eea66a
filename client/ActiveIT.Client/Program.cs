using ActiveIT.Client.Commands;

// activeit: the ActiveIT command line. Each command is one class under Commands/; Cli lists them.
return await Cli.Root().Parse(args).InvokeAsync();
