print("basalt")
