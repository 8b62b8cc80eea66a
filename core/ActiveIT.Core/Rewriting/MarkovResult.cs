namespace ActiveIT.Core.Rewriting;

public sealed record MarkovResult(string Output, int Steps, MarkovHalt Halt);
