namespace ActiveIT.Grains;

/// <summary>Gets a reference to a grain by interface and key (Orleans: <c>IGrainFactory</c>); the grain activates on its first call.</summary>
public interface IGrainFactory
{
    TGrain GetGrain<TGrain>(string key) where TGrain : IGrainWithStringKey;
}
