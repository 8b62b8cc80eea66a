using ActiveIT.Core.Tasks;

namespace ActiveIT.Core.Formats;

/// <summary>A PromptSource template applied to data rows: one task per template (PromptSource's instance-level format).</summary>
public static class PromptSourceTasks
{
    /// <summary>
    /// Instance i is row i rendered (prompt → input, target → output; rows whose target renders empty are skipped, as
    /// PromptSource skips them). The definition is the template's prompt side, Jinja and all: there is no separate instruction.
    /// </summary>
    public static InstructionTask ToTask(PromptSourceTemplate template, IReadOnlyList<IReadOnlyDictionary<string, object?>> rows, ulong seed = 0)
    {
        var instances = new List<TaskInstance>();
        for (var i = 0; i < rows.Count; i++)
        {
            var (prompt, target, _) = template.Render(rows[i], seed + (ulong)i);
            if (target.Length > 0)
            {
                instances.Add(new TaskInstance($"ps-{template.Id}-{i}", prompt, [target]));
            }
        }
        var metadata = new Dictionary<string, string> { ["template_id"] = template.Id, ["template_name"] = template.Name, ["original_task"] = template.OriginalTask ? "true" : "false" };
        if (template.AnswerChoices is not null)
        {
            metadata["answer_choices"] = template.AnswerChoices;
        }
        return new InstructionTask($"ps-{template.Dataset.Replace('/', '-')}-{template.Id}", "promptsource", TaskFormat.PromptSource,
            template.Jinja.Split("|||")[0].Trim(), [], [], instances, [], [], ["English"], "Apache-2.0", metadata);
    }
}
