namespace ActiveIT.Engine;

public sealed record RuntimeInfo(int Threads, bool CudaAvailable, int CudaDeviceCount, string TorchVersion);
