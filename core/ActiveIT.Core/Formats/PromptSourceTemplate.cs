using ActiveIT.Core.Templates;

namespace ActiveIT.Core.Formats;

/// <summary>
/// One PromptSource template: Jinja2 source whose rendering splits at "|||" into prompt and target, and
/// answer choices (themselves a Jinja template) split at "|||". <see cref="File"/> and <see cref="Location"/> name it in errors.
/// </summary>
public sealed record PromptSourceTemplate(string File, string Location, string Dataset, string Id, string Name, string Jinja, string? AnswerChoices,
    bool OriginalTask, IReadOnlyList<string> Metrics)
{
    private JinjaTemplate? _compiled;
    private JinjaTemplate? _choices;

    /// <summary>Parses the Jinja source now (and the answer choices), so a broken template fails at import, not at use.</summary>
    public PromptSourceTemplate Compile()
    {
        _compiled = Wrap(() => new JinjaTemplate(Jinja), "jinja");
        _choices = AnswerChoices is null ? null : Wrap(() => new JinjaTemplate(AnswerChoices), "answer_choices");
        return this;
    }

    /// <summary>
    /// Renders for one data row: the prompt and target (stripped, as PromptSource does) and the answer choices.
    /// A row that lacks a field the template uses throws <see cref="TaskFormatException"/> naming the field.
    /// </summary>
    public (string Prompt, string Target, IReadOnlyList<string> Choices) Render(IReadOnlyDictionary<string, object?> row, ulong seed = 0)
    {
        if (_compiled is null)
        {
            Compile();
        }
        var choices = _choices is null ? [] : Wrap(() => _choices.Render(row, seed), "answer_choices").Split("|||").Select(c => c.Trim()).ToArray();
        var context = new Dictionary<string, object?>(row) { ["answer_choices"] = choices.Select(c => (object?)c).ToList() };
        var parts = Wrap(() => _compiled!.Render(context, seed), "jinja").Split("|||");
        return (parts[0].Trim(), parts.Length > 1 ? parts[1].Trim() : "", choices);
    }

    private T Wrap<T>(Func<T> action, string field)
    {
        try
        {
            return action();
        }
        catch (JinjaException e)
        {
            throw new TaskFormatException(File, $"{Location}.{field}", $"template '{Name}': {e.Message}", e);
        }
    }
}
