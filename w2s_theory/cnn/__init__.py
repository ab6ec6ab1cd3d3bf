"""CNN weak-to-strong regimes: linear CNN teacher -> two-layer ReLU CNN student.

Source: Oh, Song & Yun (2025), "From Linear to Nonlinear: Provable
Weak-to-Strong Generalization through Feature Learning" (abstract only).  See ``docs/theory/cnn.rst`` for the modelling choices.
"""
from .data import BOTH, EASY, HARD, PatchModel, PatchSample
from .models import (LINEAR_ERROR, init_relu_cnn, linear_cnn_error, linear_cnn_loss_grad,
                     linear_cnn_output, relu_cnn_loss_grad, relu_cnn_output, train_linear_cnn,
                     train_relu_cnn)

__all__ = ["PatchModel", "PatchSample", "EASY", "HARD", "BOTH", "LINEAR_ERROR",
           "linear_cnn_error", "linear_cnn_output", "linear_cnn_loss_grad", "train_linear_cnn",
           "init_relu_cnn", "relu_cnn_output", "relu_cnn_loss_grad", "train_relu_cnn"]
