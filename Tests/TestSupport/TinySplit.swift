/// The 6-volume split the tiny end-to-end experiments train on (runner, audit, report tests): test
/// 005/006; pool 001–003 (validation 004); benchmark 001–003 (validation 004); tr1 c1 = 002.
public enum TinySplit {
    public static let text = """
        format = 1

        [dataset]
        name = "tiny"
        layout = "acdc"
        id_digits = 3
        ids = ["001", "002", "003", "004", "005", "006"]

        [test]
        ids = ["005", "006"]

        [pool]
        key = "tr3"
        ids = ["001", "002", "003"]
        validation = ["004"]

        [benchmark]
        key = "trall"
        ids = ["001", "002", "003"]
        validation = ["004"]

        [labelled.tr1.c1]
        ids = ["002"]
        validation = ["004"]
        """

    /// An experiment's `[data]` table for a 6-volume phantom (seed 3) next to `split.toml` holding `text`.
    public static let phantomData = """
        [data]
        kind = "phantom"
        root = "phantom"
        split = "split.toml"
        phantom_volumes = 6
        phantom_seed = 3
        """
}
