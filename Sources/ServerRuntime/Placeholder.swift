enum ServerRuntimePlaceholder {}
