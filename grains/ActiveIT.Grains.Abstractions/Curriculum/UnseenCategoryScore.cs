namespace ActiveIT.Grains.Curriculum;

/// <summary>The headline metric on tasks of categories held out whole (never trained on), ×100; per category in the
/// record's by-category maps.</summary>
[GenerateSerializer, Immutable, Alias("activeit.UnseenCategoryScore")]
public sealed record UnseenCategoryScore(double Value, double ExactMatch, double RougeL, int Tasks, int Instances);
