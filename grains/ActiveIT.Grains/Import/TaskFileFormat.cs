namespace ActiveIT.Grains.Import;

/// <summary>Importable file formats; Auto decides from the extension and the first record.</summary>
public enum TaskFileFormat { Auto, Niv2, Niv2Metadata, Alpaca, SelfInstruct, CrossFit }
