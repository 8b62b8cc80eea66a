namespace ActiveIT.Engine;

/// <summary>A prompt and the target that follows it; training loss and scores cover the target only.</summary>
public readonly record struct TokenPair(int[] Prompt, int[] Target)
{
    public int Length => Prompt.Length + Target.Length;
}
