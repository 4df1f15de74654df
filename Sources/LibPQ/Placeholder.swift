enum LibPQPlaceholder {}
