"""A trainer and its recorder read as one object, so tests can say `run.rewind(...)` and
`run.epoch` alike (the app's LabSession holds the two side by side)."""
from engine.record.recorder import Recorder, Recording
from engine.record.timeline import capture
from engine.train import Trainer


class Recorded:
    def __init__(self, experiment, dataset=None, device=None, *,
                 recording: Recording | None = None) -> None:
        self.trainer = Trainer(experiment, dataset, device)
        self.recorder = Recorder(self.trainer, recording)

    def checkpoint(self):
        return capture(self.trainer)

    def restart_records(self) -> None:
        self.recorder.restart()

    def __getattr__(self, name):
        recorder = self.__dict__["recorder"]
        if name in recorder.__dict__ or hasattr(type(recorder), name):
            return getattr(recorder, name)
        return getattr(self.__dict__["trainer"], name)
