namespace ActiveIT.Client.Commands;

/// <summary>`activeit demo`: the instruction-diversity experiment at demo scale (a few minutes on 2 cores).</summary>
internal sealed class DemoCommand() : DiversityCommand("demo",
    "The main job at demo scale: the instruction-diversity experiment in a few minutes on 2 cores (scale stated in the output)", "runs/demo");
