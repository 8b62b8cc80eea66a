namespace ActiveIT.Grains;

/// <summary>
/// Marks a grain interface addressed by a string key (Orleans: <c>IGrainWithStringKey</c>). Every method returns
/// <see cref="Task"/> or <see cref="Task{TResult}"/>; calls to one activation run one at a time.
/// </summary>
public interface IGrainWithStringKey;
