namespace ActiveIT.Grains.Pools;

[GenerateSerializer, Alias("activeit.PoolChangeKind")]
public enum PoolChangeKind { Added, Updated, Removed }
