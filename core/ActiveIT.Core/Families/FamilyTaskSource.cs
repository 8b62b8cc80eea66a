using ActiveIT.Core.Curriculum;
using ActiveIT.Core.Tasks;

namespace ActiveIT.Core.Families;

/// <summary>
/// A heterogeneous pool with known ground truth (issue #13): tasks drawn from <see cref="TaskFamilies"/>, in NIV2's
/// shape (definition, two clean positive examples, instances). Each task's metadata records its family, kind,
/// difficulty, parameters and what was injected (<c>none</c>, <c>ambiguous</c>, <c>noisy</c>), and the
/// <c>DefHasLabel</c> flag class balance reads: classification instructions name their labels.
/// </summary>
public static class FamilyTaskSource
{
    public const string Injected = "injected";

    public static IReadOnlyList<InstructionTask> Tasks(FamilyPoolOptions options, ulong seed)
    {
        options.Validate();
        var families = options.Families is { Count: > 0 } names ? names.Select(TaskFamilies.Named).ToArray() : [.. TaskFamilies.All];
        var classification = families.Where(f => f.Classification).ToArray();
        var generation = families.Where(f => !f.Classification).ToArray();
        var classificationTasks = classification.Length == 0 ? 0
            : generation.Length == 0 ? options.Tasks
            : (int)Math.Round(options.Tasks * options.ClassificationShare, MidpointRounding.AwayFromZero);

        // Which tasks get an injection: a seeded shuffle of positions, the first ones ambiguous, the next ones noisy.
        var order = Enumerable.Range(0, options.Tasks).ToArray();
        var random = SeededRandom.For(seed, "families/injections");
        random.Shuffle(order);
        var ambiguous = (int)Math.Round(options.Tasks * options.AmbiguousShare, MidpointRounding.AwayFromZero);
        var noisy = (int)Math.Round(options.Tasks * options.NoisyShare, MidpointRounding.AwayFromZero);
        var injected = new string[options.Tasks];
        for (var i = 0; i < options.Tasks; i++)
        {
            injected[order[i]] = i < ambiguous ? "ambiguous" : i < ambiguous + noisy ? "noisy" : "none";
        }

        var strings = new FamilyStrings(options.AlphabetSize, options.MinLength, options.MaxLength);
        var tasks = new List<InstructionTask>(options.Tasks);
        for (var t = 0; t < options.Tasks; t++)
        {
            // Families take turns within each kind, so every family gets its share of tasks.
            var family = t < classificationTasks ? classification[t % classification.Length] : generation[(t - classificationTasks) % generation.Length];
            tasks.Add(Task(family, strings, options, injected[t], $"families-{seed}-{t:D6}", SeededRandom.For(seed, $"families/task-{t}")));
        }
        return tasks;
    }

    private static InstructionTask Task(TaskFamily family, FamilyStrings strings, FamilyPoolOptions options, string injection, string id, SeededRandom random)
    {
        var draw = family.Draw(strings, random);
        var positives = Enumerable.Range(0, 2).Select(_ => draw.Instance(random)).Select(p => new TaskExample(p.Input, p.Output)).ToArray();
        var instances = new List<TaskInstance>(options.InstancesPerTask);
        var pairs = Enumerable.Range(0, options.InstancesPerTask).Select(_ => draw.Instance(random)).ToArray();
        for (var i = 0; i < pairs.Length; i++)
        {
            var output = pairs[i].Output;
            if (injection == "noisy" && random.NextDouble() < options.NoiseRate)
            {
                output = Corrupt(family, output, pairs, random);
            }
            instances.Add(new TaskInstance($"{id}-{i}", pairs[i].Input, [output]));
        }
        var metadata = new Dictionary<string, string>
        {
            ["family"] = family.Name,
            ["kind"] = family.Classification ? "classification" : "generation",
            ["difficulty"] = family.Difficulty.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["parameters"] = draw.Parameters,
            [Injected] = injection,
            [TaskKind.LabelFlagKey] = family.Classification ? "ExactMentioned" : "NotMentioned",
        };
        var definition = injection == "ambiguous" ? draw.VagueInstruction : draw.Instruction;
        return new InstructionTask(id, "families", TaskFormat.Niv2, definition, positives, [], instances,
            [family.Name], ["Synthetic"], ["English"], null, metadata);
    }

    /// <summary>A wrong label: the other answer of a classification task, else another instance's output or the reverse.</summary>
    private static string Corrupt(TaskFamily family, string output, (string Input, string Output)[] pairs, SeededRandom random)
    {
        if (family.Classification)
        {
            return output switch { "yes" => "no", "no" => "yes", "first" => "second", _ => "first" };
        }
        var other = pairs[random.NextInt(pairs.Length)].Output;
        return other != output ? other : new string([.. output.Reverse()]) is var reversed && reversed != output ? reversed : output + "a";
    }
}
