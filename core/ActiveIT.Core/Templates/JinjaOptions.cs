namespace ActiveIT.Core.Templates;

/// <summary>
/// How a template is read and rendered. <see cref="Strict"/> (PromptSource's templates): a name the data lacks is an
/// error. <see cref="ChatTemplate"/>: as Hugging Face renders a checkpoint's chat template — trim_blocks, lstrip_blocks,
/// and Jinja's lenient undefined (a missing field is false and empty).
/// </summary>
public sealed record JinjaOptions(bool TrimBlocks = false, bool LstripBlocks = false, bool LenientUndefined = false)
{
    public static readonly JinjaOptions Strict = new();

    public static readonly JinjaOptions ChatTemplate = new(TrimBlocks: true, LstripBlocks: true, LenientUndefined: true);
}
