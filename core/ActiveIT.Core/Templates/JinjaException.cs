namespace ActiveIT.Core.Templates;

/// <summary>A Jinja template that cannot be parsed, or refers to data the row lacks; the message says where.</summary>
public sealed class JinjaException(string message) : Exception(message)
{
    /// <summary>How the message of a template's own raise_exception begins.</summary>
    public const string Refused = "refused the conversation:";
}
