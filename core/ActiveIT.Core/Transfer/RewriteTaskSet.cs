using ActiveIT.Core.Rewriting;
using ActiveIT.Core.Tasks;

namespace ActiveIT.Core.Transfer;

/// <summary>One rule's task in every format <see cref="RewriteFormats"/> renders, over the same instances.</summary>
public sealed record RewriteTaskSet(RewriteRule Rule, IReadOnlyDictionary<TaskFormat, InstructionTask> Formats);
