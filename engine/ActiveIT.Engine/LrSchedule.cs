namespace ActiveIT.Engine;

public enum LrSchedule { Constant = 0, Linear = 1, Cosine = 2 }
